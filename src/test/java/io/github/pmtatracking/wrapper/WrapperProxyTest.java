package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.testing.SmtpScript;
import io.github.pmtatracking.testing.TestTls;
import io.github.pmtatracking.testing.UpstreamSmtp;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.List;
import java.util.Properties;
import org.apache.camel.Processor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The smtp-proxy component in a real Camel context between real clients (Jakarta Mail, scripted
 * sockets) and a real SMTP server upstream (SubEthaSMTP) with STARTTLS and AUTH.
 */
class WrapperProxyTest {

    private static TestTls tls;
    private UpstreamSmtp upstream;
    private TestProxy camel;
    private int port;
    private volatile Processor step = e -> { };
    private WrapperStats stats;

    @BeforeAll
    static void certificates() throws Exception {
        tls = TestTls.create();
    }

    @AfterEach
    void stop() throws Exception {
        if (camel != null) {
            camel.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** Starts the proxy in front of the upstream; with a certificate it offers STARTTLS. */
    private void proxy(UpstreamSmtp up, boolean withCertificate, long maxSize) throws Exception {
        upstream = up;
        camel = TestProxy.start(tls, up, withCertificate, maxSize, e -> step.process(e));
        port = camel.port();
        stats = camel.stats();
    }

    private Session session(boolean startTls, boolean auth) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(port));
        p.put("mail.smtp.starttls.enable", Boolean.toString(startTls));
        p.put("mail.smtp.starttls.required", Boolean.toString(startTls));
        p.put("mail.smtp.ssl.socketFactory", tls.clientContext().getSocketFactory());
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        p.put("mail.smtp.auth", Boolean.toString(auth));
        p.put("mail.smtp.timeout", "10000");
        return Session.getInstance(p);
    }

    private MimeMessage mail(Session s, String to) throws Exception {
        MimeMessage m = new MimeMessage(s);
        m.setFrom(new InternetAddress("sender@example.com"));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject("Hello through the proxy");
        m.setContent("<html><body><p>Hi</p>\n.\n..a line with dots\n</body></html>", "text/html; charset=utf-8");
        m.saveChanges();
        return m;
    }

    private void send(Session s, MimeMessage m, String user, String password) throws Exception {
        try (Transport t = s.getTransport("smtp")) {
            t.connect(user, password);
            t.sendMessage(m, m.getAllRecipients());
        }
    }

    @Test
    void aWholeConversationInPlainTextArrivesUnchanged() throws Exception {
        proxy(UpstreamSmtp.plain(), false, 0);
        Session s = session(false, false);
        MimeMessage m = mail(s, "bob@example.com");
        java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
        m.writeTo(sent);
        send(s, m, null, null);
        List<UpstreamSmtp.Received> got = upstream.received();
        assertEquals(1, got.size());
        assertEquals(1, stats.getMessagesRelayed());
        assertEquals(0, stats.getRouteFailures());
        assertEquals("sender@example.com", got.get(0).from());
        assertEquals(List.of("bob@example.com"), got.get(0).recipients());
        // Jakarta Mail writes CRLF on the wire and ends the last line, as SMTP requires
        String wire = sent.toString().replaceAll("(?<!\r)\n", "\r\n");
        String expected = wire.endsWith("\r\n") ? wire : wire + "\r\n";
        assertEquals(expected, got.get(0).text(), "the message arrives byte for byte as sent, dots and all");
    }

    @Test
    void tlsOnBothSidesWithAuthPassedThrough() throws Exception {
        proxy(UpstreamSmtp.withTls(tls, true), true, 0); // the upstream refuses mail without TLS
        Session s = session(true, true);
        send(s, mail(s, "bob@example.com"), "user", "secret");
        assertEquals(1, upstream.received().size());
        assertTrue(upstream.received().get(0).authenticated(), "AUTH went through to the upstream");
    }

    @Test
    void withoutACertificateTheProxyStillUpgradesTheUpstreamLeg() throws Exception {
        proxy(UpstreamSmtp.withTls(tls, true), false, 0);
        Session s = session(false, true);
        send(s, mail(s, "bob@example.com"), "user", "secret"); // AUTH is offered only after TLS upstream
        assertEquals(1, upstream.received().size());
    }

    @Test
    void aFailedAuthIsRelayed() throws Exception {
        proxy(UpstreamSmtp.withTls(tls, false), true, 0);
        Session s = session(true, true);
        assertThrows(AuthenticationFailedException.class, () -> send(s, mail(s, "bob@example.com"), "user", "wrong"));
        assertEquals(0, upstream.received().size());
    }

    @Test
    void aRefusedRecipientIsRelayedAndSeveralRecipientsGoTogether() throws Exception {
        proxy(UpstreamSmtp.plain(), false, 0);
        try (SmtpScript c = new SmtpScript(port)) {
            assertTrue(c.reply().startsWith("220"));
            c.command("EHLO client.example");
            assertTrue(c.command("MAIL FROM:<sender@example.com>").startsWith("250"));
            assertEquals("550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown",
                    c.command("RCPT TO:<nobody@example.com>"));
            assertTrue(c.command("RCPT TO:<a@example.com>").startsWith("250"));
            assertTrue(c.command("RCPT TO:<b@example.com>").startsWith("250"));
            assertTrue(c.command("DATA").startsWith("354"));
            assertTrue(c.command("Subject: two\r\n\r\nhello\r\n.").startsWith("250"));
            assertTrue(c.command("QUIT").startsWith("221"));
        }
        assertEquals(List.of("a@example.com", "b@example.com"), upstream.received().get(0).recipients());
    }

    @Test
    void theClientSeesOnlyCapabilitiesTheProxyHonoursAndHeloGetsOneReply() throws Exception {
        proxy(UpstreamSmtp.plain(), true, 1000);
        try (SmtpScript c = new SmtpScript(port)) {
            c.reply();
            String ehlo = c.command("EHLO client.example");
            assertFalse(ehlo.contains("CHUNKING"), ehlo); // SubEthaSMTP offers it, the proxy does not
            assertTrue(ehlo.contains("250-STARTTLS") || ehlo.contains("250 STARTTLS"), ehlo);
            assertTrue(ehlo.contains("SIZE 1000"), ehlo);
            assertTrue(ehlo.contains("8BITMIME"), ehlo);
            String helo = c.command("HELO client.example");
            assertTrue(helo.startsWith("250 ") && !helo.contains("\n"), helo);
            assertTrue(c.command("NOOP").startsWith("250"), "still in step after HELO");
        }
    }

    @Test
    void pipelinedCommandsGetTheirRepliesInOrder() throws Exception {
        proxy(UpstreamSmtp.plain(), false, 0);
        try (SmtpScript c = new SmtpScript(port)) {
            c.reply();
            c.command("EHLO client.example");
            c.send("MAIL FROM:<s@example.com>\r\nRCPT TO:<nobody@example.com>\r\nRCPT TO:<a@example.com>\r\nDATA\r\n");
            assertTrue(c.reply().startsWith("250"));
            assertTrue(c.reply().startsWith("550"));
            assertTrue(c.reply().startsWith("250"));
            assertTrue(c.reply().startsWith("354"));
            assertTrue(c.command("Subject: p\r\n\r\nbody\r\n.").startsWith("250"));
        }
        assertEquals(1, upstream.received().size());
    }

    @Test
    void anUnreachableUpstreamGets421() throws Exception {
        proxy(null, false, 0);
        try (SmtpScript c = new SmtpScript(port)) {
            assertTrue(c.reply().startsWith("421"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aRouteFailureAnswers451OrA554AndDeliversNothing() throws Exception {
        proxy(UpstreamSmtp.plain(), false, 0);
        step = e -> {
            throw new IllegalStateException("rewriter broke");
        };
        try (SmtpScript c = new SmtpScript(port)) {
            startData(c);
            assertTrue(c.command("Subject: x\r\n\r\nbody\r\n.").startsWith("451 4.3.0"));
            step = e -> {
                throw new MessageRejectedException("spam");
            };
            c.command("MAIL FROM:<s@example.com>");
            c.command("RCPT TO:<a@example.com>");
            c.command("DATA");
            assertTrue(c.command("Subject: x\r\n\r\nbody\r\n.").startsWith("554 5.6.0 Message refused: spam"));
            step = e -> { };
            assertTrue(c.command("MAIL FROM:<s@example.com>").startsWith("250"), "the upstream transaction was reset");
        }
        assertEquals(0, upstream.received().size());
        assertEquals(2, stats.getRouteFailures());
        assertEquals(0, stats.getMessagesRelayed());
    }

    @Test
    void smugglingSequencesNeverEndTheDataOrStartACommandUpstream() throws Exception {
        proxy(UpstreamSmtp.plain(), false, 0);
        String[] sequences = {"\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r"};
        for (String seq : sequences) {
            try (SmtpScript c = new SmtpScript(port)) {
                startData(c);
                String reply = c.command("Subject: smuggle\r\n\r\nhello" + seq
                        + "MAIL FROM:<evil@example.com>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\nSubject: smuggled\r\n\r\nevil\r\n.");
                assertTrue(reply.startsWith("250"), reply);
            }
        }
        List<UpstreamSmtp.Received> got = upstream.received();
        assertEquals(4, got.size(), "one message per session, never a second one");
        for (UpstreamSmtp.Received r : got) {
            assertEquals(List.of("a@example.com"), r.recipients());
            assertTrue(r.text().contains("MAIL FROM:<evil@example.com>"), "the smuggled lines stay inside the message");
        }
    }

    @Test
    void anOversizedMessageIsRefusedAndNothingGoesUpstream() throws Exception {
        proxy(UpstreamSmtp.plain(), false, 2000);
        try (SmtpScript c = new SmtpScript(port)) {
            startData(c);
            assertTrue(c.command("Subject: big\r\n\r\n" + "x".repeat(5000) + "\r\n.").startsWith("552"));
            assertEquals(1, stats.getMessagesTooBig());
            assertTrue(c.command("NOOP").startsWith("250"));
        }
        assertEquals(0, upstream.received().size());
    }

    @Test
    void aClientGoneMidDataDeliversNothing() throws Exception {
        proxy(UpstreamSmtp.plain(), false, 0);
        try (SmtpScript c = new SmtpScript(port)) {
            startData(c);
            c.send("Subject: half\r\n\r\nthe first half of a message\r\n");
        }
        Thread.sleep(500);
        assertEquals(0, upstream.received().size());
    }

    @Test
    void bytesPipelinedBehindStartTlsAreRefused() throws Exception {
        proxy(UpstreamSmtp.plain(), true, 0);
        try (SmtpScript c = new SmtpScript(port)) {
            c.reply();
            c.command("EHLO c");
            c.send("STARTTLS\r\nMAIL FROM:<injected@example.com>\r\n");
            assertTrue(c.reply().startsWith("554"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aClientWithoutRecipientsCannotSendData() throws Exception {
        proxy(UpstreamSmtp.plain(), false, 0);
        try (SmtpScript c = new SmtpScript(port)) {
            c.reply();
            c.command("EHLO c");
            assertTrue(c.command("DATA").startsWith("503"));
            c.command("MAIL FROM:<s@example.com>");
            assertTrue(c.command("RCPT TO:<nobody@example.com>").startsWith("550"));
            assertTrue(c.command("DATA").startsWith("554"));
        }
    }

    @Test
    void aRouteCanChangeTheMessage() throws Exception {
        proxy(UpstreamSmtp.plain(), false, 0);
        step = e -> e.getMessage().setBody(("X-Seen: yes\r\n" + e.getMessage().getBody(String.class)).getBytes());
        Session s = session(false, false);
        assertThrows(SendFailedException.class, () -> send(s, mail(s, "nobody@example.com"), null, null));
        send(s, mail(s, "bob@example.com"), null, null);
        assertTrue(upstream.received().get(0).text().startsWith("X-Seen: yes\r\n"));
    }

    @Test
    void anUpstreamThatGoesAwayMidSessionGets421() throws Exception {
        proxy(UpstreamSmtp.plain(), false, 0);
        try (SmtpScript c = new SmtpScript(port)) {
            c.reply();
            assertTrue(c.command("EHLO c").startsWith("250"));
            upstream.close(); // SubEthaSMTP drops its sessions
            Thread.sleep(300);
            String reply = c.command("MAIL FROM:<s@example.com>");
            assertTrue(reply.startsWith("421"), reply);
            assertTrue(c.closedByServer());
        }
        upstream = null;
    }

    /** Greeting, EHLO, one sender and one recipient, DATA: the client is now sending a message. */
    private static void startData(SmtpScript c) throws IOException {
        c.reply();
        c.command("EHLO c");
        c.command("MAIL FROM:<s@example.com>");
        c.command("RCPT TO:<a@example.com>");
        c.command("DATA");
    }
}
