package io.github.pmtatracking.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

class ListenAddressFunctionTest {

    private static String resolve(String value) throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Properties p = new Properties();
            p.setProperty("tracker.in_hostport", value);
            camel.getPropertiesComponent().setInitialProperties(p);
            return camel.resolvePropertyPlaceholders("{{listen:tracker.in_hostport}}");
        }
    }

    @Test
    void aGoStyleListenAddressBecomesHostAndPortForAnEndpointUri() throws Exception {
        assertEquals("0.0.0.0:8888", resolve(":8888"));
        assertEquals("localhost:587", resolve("localhost:587"));
        assertEquals("[::1]:25", resolve("[::1]:25"));
    }

    @Test
    void aBadAddressNamesTheFlag() {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> resolve("8888"));
        String message = e.getMessage() + (e.getCause() == null ? "" : e.getCause().getMessage());
        assertTrue(message.contains("-in_hostport must be host:port or :port, not '8888'"), message);
    }
}
