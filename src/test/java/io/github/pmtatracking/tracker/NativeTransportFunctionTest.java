package io.github.pmtatracking.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class NativeTransportFunctionTest {

    @Test
    void autoTakesEpollWhereItLoadsAndNioKeepsJavasSelector() {
        assertEquals(Epoll.isAvailable(), NativeTransportFunction.epoll("auto"));
        assertEquals(Epoll.isAvailable(), NativeTransportFunction.epoll(" AUTO "));
        assertFalse(NativeTransportFunction.epoll("nio"));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void epollLoadsOnThisLinuxBuildBecauseTheJarShipsItsNativeLibrary() {
        assertTrue(Epoll.isAvailable(), () -> "epoll unavailable: " + Epoll.unavailabilityCause());
        assertTrue(NativeTransportFunction.epoll("epoll"));
    }

    @Test
    void anotherValueIsRefusedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NativeTransportFunction.epoll("kqueue"));
        assertTrue(e.getMessage().contains("auto, epoll or nio"), e.getMessage());
    }
}
