package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.pmtatracking.link.DecodedLink;
import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.TestRedis;
import io.github.pmtatracking.testing.UpstreamSmtp;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/wrapper with its shipped settings (-multi_recipient split) between Python's smtplib and a
 * real SMTP server: a message for several recipients leaves as one message per recipient, each
 * with its html and text/plain links for that recipient, and each recipient's last answer is the
 * upstream's own.
 */
class WrapperSplitRecipientsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINK = Pattern.compile("http://t\\.example:8888/[A-Za-z0-9_=-]+");
    private static final LinkCodec CODEC = LinkCodec.builder().secret("k").build();
    /** The text part: a URL on a line longer than quoted-printable's 76, and links that stay as they are. */
    private static final String TEXT = "Hello,\r\n\r\nthe sale is on at https://shop.example/sale?a=1&b=2. Go now, "
            + "before it ends: this line runs past seventy-six characters so the encoding breaks it.\r\n"
            + "Again (https://shop.example/sale?a=1&b=2), write to mailto:help@example.com, "
            + "or see https://shop.example/?u={{id}} later.\r\n";
    private static final String HTML = "<html><body><a href=\"https://shop.example/html\">shop</a></body></html>\r\n";

    private static UpstreamSmtp upstream;
    private static AppProcess app;
    private static int port;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        upstream = UpstreamSmtp.plain();
        port = TestRedis.freePort();
        app = AppProcess.start(Map.of("REDIS_EMBEDDED", "false", "LINK_SECRET", "k"),
                "wrapper", "-in_hostport", "127.0.0.1:" + port, "-out_hostport", "127.0.0.1:" + upstream.port(),
                "-tracking_url", "http://t.example:8888", "-track_click", "-track_text_links");
        app.awaitOutput("Started wrapper", 60);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void threeRecipientsLeaveAsThreeMessagesEachTrackedForItsOwn() throws Exception {
        JsonNode sent = smtplib(List.of("alice@example.com", "bob@example.com", "carol@example.com"));
        assertEquals(3, sent.get("transactions").asInt(), sent.toString());
        for (String r : List.of("alice@example.com", "bob@example.com", "carol@example.com")) {
            assertEquals(250, sent.at("/answers/" + r).asInt(), sent.toString());
        }
        List<UpstreamSmtp.Received> got = awaitReceived(Set.of("alice@example.com", "bob@example.com", "carol@example.com")::contains, 3);
        Set<String> seen = new HashSet<>();
        for (UpstreamSmtp.Received m : got) {
            assertEquals(1, m.recipients().size(), "one recipient per message upstream: " + m.recipients());
            String rcpt = m.recipients().get(0);
            seen.add(rcpt);
            for (String line : m.text().split("\r\n")) {
                assertTrue(line.length() <= 998, "a line within SMTP's limit");
            }
            MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(m.data()));
            String id = mime.getHeader("X-Sp-Message-Id", null);
            MimeMultipart parts = (MimeMultipart) mime.getContent();
            String text = (String) parts.getBodyPart(0).getContent();
            String html = (String) parts.getBodyPart(1).getContent();
            assertEquals("quoted-printable", parts.getBodyPart(0).getHeader("Content-Transfer-Encoding")[0]);
            assertEquals("base64", parts.getBodyPart(1).getHeader("Content-Transfer-Encoding")[0]);

            List<DecodedLink> textLinks = links(text);
            assertEquals(2, textLinks.size(), "the sale URL, twice; not mailto:, not the placeholder: " + text);
            for (DecodedLink l : textLinks) {
                assertTrue(l.signed());
                assertEquals(rcpt, l.link().rcptTo(), "the text link is this message's recipient's");
                assertEquals(id, l.link().messageId());
                assertEquals("https://shop.example/sale?a=1&b=2", l.link().targetUrl(), "the full stop is no part of the URL");
            }
            assertEquals(TEXT, linksTakenOut(text), "everything but the URLs as the sender wrote it");
            List<DecodedLink> htmlLinks = links(html);
            assertEquals(rcpt, htmlLinks.get(0).link().rcptTo(), "the html link too");
            assertEquals("https://shop.example/html", htmlLinks.get(0).link().targetUrl());
        }
        assertEquals(Set.of("alice@example.com", "bob@example.com", "carol@example.com"), seen);
    }

    @Test
    void aRecipientWhoseMessageTheUpstreamRefusedIsNeverTold250() throws Exception {
        JsonNode sent = smtplib(List.of("nobody-1@example.com", "erin@example.com", "refused-at-data-dave@example.com"));
        // nobody: the upstream's 550 at RCPT; erin: the first accepted, delivered; dave: 452 first,
        // then alone in a transaction whose data the upstream refused
        assertEquals(550, sent.at("/answers/nobody-1@example.com").asInt(), sent.toString());
        assertEquals(250, sent.at("/answers/erin@example.com").asInt(), sent.toString());
        assertEquals(554, sent.at("/answers/refused-at-data-dave@example.com").asInt(), sent.toString());
        assertEquals(2, sent.get("transactions").asInt(), sent.toString());
        List<UpstreamSmtp.Received> got = awaitReceived(r -> r.startsWith("erin"), 1);
        assertEquals(List.of("erin@example.com"), got.get(0).recipients());
        assertTrue(upstream.received().stream().noneMatch(m -> m.recipients().stream().anyMatch(r -> r.startsWith("refused"))));
    }

    @Test
    void manyRecipientsAreNoReasonToCloseTheSession() throws Exception {
        List<String> many = new ArrayList<>();
        for (int i = 1; i <= 25; i++) { // past wrapper.max_refused_commands (20): 452s are no client fault
            many.add(String.format("r%02d@example.com", i));
        }
        JsonNode sent = smtplib(many);
        assertEquals(25, sent.get("transactions").asInt(), sent.toString());
        many.forEach(r -> assertEquals(250, sent.at("/answers/" + r).asInt(), sent.toString()));
        assertEquals(25, awaitReceived(r -> r.matches("r\\d\\d@example\\.com"), 25).size());
    }

    @Test
    void inTrackedModeAMessageForSeveralGoesAsOneTrackedAtMessageLevel() throws Exception {
        int trackedPort = TestRedis.freePort();
        try (UpstreamSmtp up = UpstreamSmtp.plain();
             AppProcess tracked = AppProcess.start(Map.of("REDIS_EMBEDDED", "false", "LINK_SECRET", "k"),
                     "wrapper", "-in_hostport", "127.0.0.1:" + trackedPort, "-out_hostport", "127.0.0.1:" + up.port(),
                     "-tracking_url", "http://t.example:8888", "-track_click", "-track_text_links", "-multi_recipient", "tracked")) {
            tracked.awaitOutput("Started wrapper", 60);
            JsonNode sent = smtplib(trackedPort, List.of("x@example.com", "y@example.com", "z@example.com"));
            assertEquals(1, sent.get("transactions").asInt(), sent.toString());
            for (int i = 0; i < 200 && up.received().isEmpty(); i++) {
                Thread.sleep(50);
            }
            assertEquals(1, up.received().size());
            UpstreamSmtp.Received m = up.received().get(0);
            assertEquals(List.of("x@example.com", "y@example.com", "z@example.com"), m.recipients());
            MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(m.data()));
            String text = (String) ((MimeMultipart) mime.getContent()).getBodyPart(0).getContent();
            List<DecodedLink> links = links(text);
            assertEquals(2, links.size(), text);
            assertEquals("", links.get(0).link().rcptTo(), "message level: no recipient in the link");
        }
    }

    @Test
    void anUnknownModeIsRefusedInOneLine() throws Exception {
        try (AppProcess bad = AppProcess.start(Map.of("REDIS_EMBEDDED", "false"),
                "wrapper", "-in_hostport", "127.0.0.1:" + TestRedis.freePort(), "-multi_recipient", "all")) {
            assertEquals(2, bad.waitFor(60), bad.output());
            assertEquals("pmta-tracking: wrapper: -multi_recipient is split, tracked or untracked, not all", bad.output().strip());
        }
    }

    /** Runs src/test/resources/wrapper/split_send.py: Python's smtplib, and a resend of each 4xx. */
    private static JsonNode smtplib(List<String> recipients) throws Exception {
        return smtplib(port, recipients);
    }

    private static JsonNode smtplib(int port, List<String> recipients) throws Exception {
        Path message = Files.createTempFile(dir, "message", ".eml");
        Files.write(message, message());
        List<String> cmd = new ArrayList<>(List.of("python3", Path.of("src/test/resources/wrapper/split_send.py").toString(),
                "127.0.0.1", Integer.toString(port), message.toString()));
        cmd.addAll(recipients);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "smtplib finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return JSON.readTree(out);
    }

    /** multipart/alternative: the text part quoted-printable, the html part base64. */
    private static byte[] message() throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom("sender@example.com");
        m.setSubject("Sale");
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(TEXT, "utf-8");
        text.setHeader("Content-Transfer-Encoding", "quoted-printable");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(HTML, "utf-8", "html");
        html.setHeader("Content-Transfer-Encoding", "base64");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        m.setContent(alternative);
        m.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }

    private static List<DecodedLink> links(String text) throws Exception {
        List<DecodedLink> out = new ArrayList<>();
        Matcher m = LINK.matcher(text);
        while (m.find()) {
            out.add(CODEC.decodeUrl(m.group()));
        }
        return out;
    }

    private static String linksTakenOut(String text) throws Exception {
        Matcher m = LINK.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(CODEC.decodeUrl(m.group()).link().targetUrl()));
        }
        return m.appendTail(sb).toString();
    }

    /** Waits up to 10 s for n messages upstream whose recipient matches. */
    private static List<UpstreamSmtp.Received> awaitReceived(java.util.function.Predicate<String> rcpt, int n) throws Exception {
        List<UpstreamSmtp.Received> got = List.of();
        for (int i = 0; i < 200; i++) {
            got = upstream.received().stream().filter(m -> m.recipients().stream().anyMatch(rcpt)).toList();
            if (got.size() >= n) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(n, got.size(), "messages upstream: " + got.stream().map(UpstreamSmtp.Received::recipients).toList());
        return got;
    }
}
