package io.github.pmtatracking.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    private final ClientAddress loopbackTrusted = new ClientAddress("127.0.0.0/8,::1/128"); // tracker.trusted_proxies' default
    private final InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 40000);
    private final InetSocketAddress outsider = new InetSocketAddress("192.0.2.50", 40000);

    @Test
    void aTrustedProxyNamesTheClient() {
        assertEquals("203.0.113.9", loopbackTrusted.resolve(loopback, "203.0.113.9", null));
        assertEquals("198.51.100.7", loopbackTrusted.resolve(loopback, null, "198.51.100.7"));
        // the nearest untrusted hop wins: a client cannot put itself first in the chain
        assertEquals("198.51.100.7", loopbackTrusted.resolve(loopback, null, "10.9.9.9, 198.51.100.7, 127.0.0.1"));
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItClaims() {
        assertEquals("192.0.2.50", loopbackTrusted.resolve(outsider, "203.0.113.9", "198.51.100.7"));
    }

    @Test
    void headersThatAreNotIpLiteralsAreIgnored() {
        assertEquals("127.0.0.1", loopbackTrusted.resolve(loopback, "evil.example.com", null));
        assertEquals("127.0.0.1", loopbackTrusted.resolve(loopback, "1.2.3.4.5", "198.51.100.7, x"));
        assertEquals("2001:db8::1", loopbackTrusted.resolve(loopback, "[2001:db8::1]", null));
    }

    @Test
    void trustedProxiesAreCidrs() {
        ClientAddress lan = new ClientAddress("10.0.0.0/8, 192.0.2.0/24");
        assertEquals("203.0.113.9", lan.resolve(outsider, "203.0.113.9", null));
        assertEquals("127.0.0.1", lan.resolve(loopback, "203.0.113.9", null));
        assertThrows(IllegalArgumentException.class, () -> new ClientAddress("not-a-cidr"));
    }
}
