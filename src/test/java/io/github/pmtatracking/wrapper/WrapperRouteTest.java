package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.testing.SmtpScript;
import io.github.pmtatracking.testing.TestRedis;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;

/**
 * routes/wrapper.yaml as Camel Main runs it: WrapperConfiguration's beans, the route's URI options
 * from config/application.properties (the jar's copy) with this test's overrides, and no upstream
 * set, so the proxy relays to the quick start's outbox, which saves the rewritten message.
 */
class WrapperRouteTest extends CamelMainTestSupport {

    private static final int PORT = TestRedis.freePort();
    private static final Path OUTBOX;

    static {
        try {
            OUTBOX = Files.createTempDirectory("wrapper-outbox");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(new WrapperConfiguration(null));
        configuration.withRoutesIncludePattern("file:routes/wrapper.yaml");
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "classpath:config/application.properties";
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.put("wrapper.in_hostport", "127.0.0.1:" + PORT);
        p.put("wrapper.out_hostport", "");
        p.put("wrapper.outbox_dir", OUTBOX.toString());
        p.put("wrapper.tracking_url", "http://t.example:8888");
        p.put("wrapper.track_click", "true");
        p.put("wrapper.max_message_size", "100000");
        p.put("camel.management.enabled", "false"); // no management server on a port another test may hold
        return p;
    }

    @Test
    void aMessageThroughTheShippedRouteArrivesTrackedInTheOutboxAndIsCounted() throws Exception {
        NotifyBuilder done = new NotifyBuilder(context).fromRoute("wrapper").whenCompleted(1).create();
        try (SmtpScript c = new SmtpScript(PORT)) {
            assertTrue(c.reply().startsWith("220"));
            String ehlo = c.command("EHLO client.example");
            assertTrue(ehlo.contains("SIZE 100000"), "maxMessageSize from the settings: " + ehlo);
            assertTrue(c.command("MAIL FROM:<me@example.com>").startsWith("250"));
            assertTrue(c.command("RCPT TO:<bob@example.com>").startsWith("250"));
            assertTrue(c.command("DATA").startsWith("354"));
            String reply = c.command("Content-Type: text/html\r\n\r\n<html><body><a href=\"https://shop.example/\">shop</a>"
                    + "</body></html>\r\n.");
            assertTrue(reply.startsWith("250"), reply);
        }
        assertTrue(done.matches(10, TimeUnit.SECONDS));
        List<Path> emls;
        try (Stream<Path> s = Files.list(OUTBOX)) {
            emls = s.filter(p -> p.toString().endsWith(".eml")).toList();
        }
        assertEquals(1, emls.size());
        String eml = Files.readString(emls.get(0), StandardCharsets.UTF_8);
        assertTrue(eml.startsWith("X-Outbox-Mail-From: <me@example.com>\r\nX-Outbox-Rcpt-To: <bob@example.com>\r\n"), eml);
        Matcher link = Pattern.compile("http://t\\.example:8888/[A-Za-z0-9_=-]+").matcher(eml);
        assertTrue(link.find(), eml);
        assertEquals("bob@example.com", LinkCodec.builder().build().decodeUrl(link.group()).link().rcptTo());

        WrapperStats stats = context.getRegistry().lookupByNameAndType("wrapperStats", WrapperStats.class);
        assertNotNull(context.getRegistry().lookupByNameAndType("wrapperMetrics", MeterBinder.class));
        assertEquals(1, stats.getMessagesRelayed());
        assertEquals(1, stats.getMessagesTracked(), "the rewrite's counts show beside the proxy's");
    }
}
