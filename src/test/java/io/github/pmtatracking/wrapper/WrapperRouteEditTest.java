package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.testing.SmtpScript;
import io.github.pmtatracking.testing.TestRedis;
import io.github.pmtatracking.testing.UpstreamSmtp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The README's worked edit of routes/wrapper.yaml: a value written into the endpoint's options in
 * place of its setting (maxMessageSize), and a step that refuses one sender's mail for good. The
 * shipped file, edited as a user would, runs under Camel Main with WrapperConfiguration.
 */
class WrapperRouteEditTest extends CamelMainTestSupport {

    /** What the README tells the user to add under the route's {@code steps:}. */
    static final String REFUSE_A_SENDER = """
                    - filter:
                        simple: "${header.SmtpProxyMailFrom} ends with '@blocked.example'"
                        steps:
                          - throwException:
                              exceptionType: io.github.pmtatracking.wrapper.MessageRejectedException
                              message: "mail from blocked.example is not relayed"
            """;

    private static final int PORT = TestRedis.freePort();
    private static final UpstreamSmtp UPSTREAM;
    private static final Path ROUTE;

    static {
        try {
            UPSTREAM = UpstreamSmtp.plain();
            String shipped = Files.readString(Path.of("routes/wrapper.yaml"));
            String edited = shipped
                    .replace("maxMessageSize: \"{{wrapper.max_message_size}}\"", "maxMessageSize: 10485760")
                    .replace("      steps:\n", "      steps:\n" + REFUSE_A_SENDER);
            if (edited.equals(shipped) || !edited.contains("maxMessageSize: 10485760")) {
                throw new IllegalStateException("routes/wrapper.yaml no longer has the lines this edit changes");
            }
            ROUTE = Files.createTempDirectory("wrapper-edit").resolve("wrapper.yaml");
            Files.writeString(ROUTE, edited);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.close();
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(new WrapperConfiguration(null));
        configuration.withRoutesIncludePattern("file:" + ROUTE);
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "classpath:config/application.properties";
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.put("wrapper.in_hostport", "127.0.0.1:" + PORT);
        p.put("wrapper.out_hostport", "127.0.0.1:" + UPSTREAM.port());
        p.put("wrapper.max_message_size", "1000"); // the route's own value wins over the setting now
        p.put("camel.management.enabled", "false");
        return p;
    }

    @Test
    void theEditedRouteRefusesTheBlockedSenderWith554AndShowsItsOwnSizeLimit() throws Exception {
        try (SmtpScript c = new SmtpScript(PORT)) {
            c.reply();
            assertTrue(c.command("EHLO client.example").contains("SIZE 10485760"));
            c.command("MAIL FROM:<spam@blocked.example>");
            c.command("RCPT TO:<a@example.com>");
            c.command("DATA");
            assertEquals("554 5.6.0 Message refused: mail from blocked.example is not relayed",
                    c.command("Subject: no\r\n\r\nhello\r\n."));
            c.command("MAIL FROM:<me@example.com>");
            c.command("RCPT TO:<a@example.com>");
            c.command("DATA");
            assertTrue(c.command("Subject: yes\r\n\r\nhello\r\n.").startsWith("250"));
        }
        assertEquals(1, UPSTREAM.received().size());
        assertEquals("me@example.com", UPSTREAM.received().get(0).from());
    }
}
