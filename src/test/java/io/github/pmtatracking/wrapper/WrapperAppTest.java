package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.SmtpScript;
import io.github.pmtatracking.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/wrapper as a newcomer runs it: no upstream (the outbox), -verbose and the debug files. */
class WrapperAppTest {

    @Test
    void withNoUpstreamMessagesLandInTheOutboxWithLogsAndDebugFiles(@TempDir Path dir) throws Exception {
        int port = TestRedis.freePort();
        Path outbox = dir.resolve("outbox");
        Path down = dir.resolve("downstream.log");
        Path up = dir.resolve("upstream.eml");
        try (AppProcess app = AppProcess.start(Map.of("REDIS_EMBEDDED", "false", "WRAPPER_OUTBOX_DIR", outbox.toString()),
                "wrapper", "-in_hostport", "127.0.0.1:" + port, "-verbose",
                "-downstream_debug", down.toString(), "-upstream_data_debug", up.toString())) {
            app.awaitOutput("Started wrapper", 60);
            assertTrue(app.output().contains("No upstream configured (-out_hostport): messages go to an outbox server"), app.output());
            try (SmtpScript c = new SmtpScript(port)) {
                assertTrue(c.reply().startsWith("220"));
                assertTrue(c.command("EHLO swaks.example").startsWith("250"));
                assertTrue(c.command("MAIL FROM:<me@example.com>").startsWith("250"));
                assertTrue(c.command("RCPT TO:<bob@example.com>").startsWith("250"));
                assertTrue(c.command("DATA").startsWith("354"));
                assertTrue(c.command("Subject: hi\r\n\r\n..hidden dot\r\nbye\r\n.").startsWith("250")); // dot-stuffed by the client
                assertTrue(c.command("QUIT").startsWith("221"));
            }
            app.awaitOutput("Message DATA upstream,", 10);
            String out = app.output();
            assertTrue(out.contains("-> EHLO swaks.example"), out);
            assertTrue(out.contains("<- 250"), out);
            assertTrue(out.matches("(?s).*Message DATA upstream,\\d+,250,.*"), out);
            List<Path> emls;
            try (Stream<Path> s = Files.list(outbox)) {
                emls = s.filter(p -> p.toString().endsWith(".eml")).toList();
            }
            assertEquals(1, emls.size());
            String eml = Files.readString(emls.get(0), StandardCharsets.UTF_8);
            assertTrue(eml.startsWith("X-Outbox-Mail-From: <me@example.com>\r\nX-Outbox-Rcpt-To: <bob@example.com>\r\n"), eml);
            // the only change: X-Sp-Message-Id, added even without a tracking URL (PowerMTA logs it)
            assertTrue(eml.matches("(?s).*\r\nSubject: hi\r\nX-Sp-Message-Id: 0000[0-9a-f]{16}\r\n\r\n\\.hidden dot\r\nbye\r\n"), eml);
            String downstream = Files.readString(down);
            assertTrue(downstream.contains("MAIL FROM:<me@example.com>") && downstream.contains("354 "), downstream);
            assertTrue(Files.readString(up).matches("Subject: hi\r\nX-Sp-Message-Id: 0000[0-9a-f]{16}\r\n\r\n\\.hidden dot\r\nbye\r\n"),
                    Files.readString(up));
            int code = app.stop(); // SIGTERM: the JVM reports 143 (128 + 15) after its shutdown hooks ran
            assertTrue(code == 0 || code == 143, "exit " + code);
        }
    }

    @Test
    void withATrackingUrlTheEnvelopeRecipientsLinksAreTracked(@TempDir Path dir) throws Exception {
        int port = TestRedis.freePort();
        Path outbox = dir.resolve("outbox");
        try (AppProcess app = AppProcess.start(Map.of("REDIS_EMBEDDED", "false", "WRAPPER_OUTBOX_DIR", outbox.toString(),
                        "LINK_SECRET", "k"),
                "wrapper", "-in_hostport", "127.0.0.1:" + port, "-tracking_url", "http://t.example:8888", "-track_click")) {
            app.awaitOutput("Started wrapper", 60);
            try (SmtpScript c = new SmtpScript(port)) {
                c.reply();
                c.command("EHLO c");
                c.command("MAIL FROM:<me@example.com>");
                c.command("RCPT TO:<envelope@example.com>");
                c.command("DATA");
                assertTrue(c.command("To: header@example.com\r\nContent-Type: text/html\r\n\r\n"
                        + "<html><body><a href=\"https://shop.example/?a=1&amp;b=2\">shop</a></body></html>\r\n.").startsWith("250"));
            }
            app.awaitOutput("Message DATA upstream,", 10);
            List<Path> emls;
            try (Stream<Path> s = Files.list(outbox)) {
                emls = s.filter(p -> p.toString().endsWith(".eml")).toList();
            }
            String eml = Files.readString(emls.get(0), StandardCharsets.UTF_8);
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("X-Sp-Message-Id: (0000[0-9a-f]{16})\r\n").matcher(eml);
            assertTrue(id.find(), eml);
            java.util.regex.Matcher link = java.util.regex.Pattern.compile("http://t\\.example:8888/[A-Za-z0-9_=-]+").matcher(eml);
            assertTrue(link.find(), eml);
            io.github.pmtatracking.link.DecodedLink click = io.github.pmtatracking.link.LinkCodec.builder().secret("k").build()
                    .decodeUrl(link.group());
            assertTrue(click.signed());
            assertEquals("envelope@example.com", click.link().rcptTo(), "the envelope recipient, not the To: header");
            assertEquals(id.group(1), click.link().messageId());
            assertEquals("https://shop.example/?a=1&b=2", click.link().targetUrl());
            assertTrue(link.find(), "the open pixel, on by default");
        }
    }
}
