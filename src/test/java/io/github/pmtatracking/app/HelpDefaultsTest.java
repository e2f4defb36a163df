package io.github.pmtatracking.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.testing.AppProcess;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code <app> -h} shows the defaults in effect: the settings file's, then the environment's. */
class HelpDefaultsTest {

    @Test
    void wrapperHelpShowsTheListenAddressOfTheSettingsFileAndOfTheEnvironment() throws Exception {
        try (AppProcess help = AppProcess.start(Map.of(), "wrapper", "-h")) {
            assertEquals(0, help.waitFor(30), help.output());
            assertTrue(help.output().contains("Port number to serve incoming SMTP requests (default \"localhost:5587\")"),
                    help.output());
        }
        Map<String, String> env = new HashMap<>();
        env.put("WRAPPER_IN_HOSTPORT", "127.0.0.1:2526");
        try (AppProcess help = AppProcess.start(env, "wrapper", "-h")) {
            assertEquals(0, help.waitFor(30), help.output());
            assertTrue(help.output().contains("(default \"127.0.0.1:2526\")"), help.output());
        }
    }
}
