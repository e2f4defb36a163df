package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.testing.SmtpScript;
import io.github.pmtatracking.testing.TestTls;
import io.github.pmtatracking.testing.UpstreamSmtp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upstream connections kept between client sessions (upstreamReuseSeconds, as Postfix's connection
 * cache): a real upstream (SubEthaSMTP) counts the connections it was given, and each client
 * session still gets the upstream's own answers to everything it sends but QUIT.
 */
class UpstreamReuseTest {

    private static TestTls tls;
    private UpstreamSmtp upstream;
    private TestProxy proxy;

    @BeforeAll
    static void certificates() throws Exception {
        tls = TestTls.create();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** One I/O thread: connections are kept per I/O thread, and clients are dealt to the threads in turn. */
    private void start(UpstreamSmtp up, String... options) throws Exception {
        upstream = up;
        String[] all = java.util.Arrays.copyOf(options, options.length + 1);
        all[options.length] = "ioThreads=1";
        proxy = TestProxy.start(tls, up, false, 1_000_000, e -> { }, all);
    }

    /**
     * One client session: the greeting, EHLO, then each command and the reply code it must get, in
     * pairs ({@code "QUIT", "221"}).
     */
    private void session(String... commandsAndCodes) throws Exception {
        try (SmtpScript c = new SmtpScript(proxy.port())) {
            assertTrue(c.reply().startsWith("220 "), "greeting");
            assertTrue(c.command("EHLO client.test").startsWith("250"));
            for (int i = 0; i < commandsAndCodes.length; i += 2) {
                String reply = c.command(commandsAndCodes[i]);
                assertTrue(reply.startsWith(commandsAndCodes[i + 1]), commandsAndCodes[i] + " got " + reply);
            }
        }
    }

    /** One client session, one message, QUIT. */
    private void sendOne(String to) throws Exception {
        session("MAIL FROM:<sender@example.com>", "250", "RCPT TO:<" + to + ">", "250", "DATA", "354",
                "Subject: hi\r\n\r\nbody\r\n.", "250", // the upstream's 250 for the data
                "QUIT", "221");
    }

    private long count(String verb) {
        return upstream.commands().stream().filter(c -> c.toUpperCase().startsWith(verb)).count();
    }

    @Test
    void consecutiveSessionsShareOneUpstreamConnection() throws Exception {
        start(UpstreamSmtp.plain());
        for (int i = 1; i <= 3; i++) {
            sendOne("to" + i + "@example.net");
        }
        assertEquals(3, upstream.received().size());
        assertEquals("to3@example.net", upstream.received().get(2).recipients().get(0));
        assertEquals(1, upstream.connections(), "three sessions, one upstream connection");
        assertEquals(3, count("EHLO"), "each session's EHLO went upstream");
        assertEquals(0, count("QUIT"), "the connection stays open for the next session");
        assertEquals(1, proxy.stats().getUpstreamConnections());
        assertEquals(2, proxy.stats().getUpstreamSessionsReused());
    }

    @Test
    void withReuseOffEachSessionHasItsOwnConnectionAndQuitIsRelayed() throws Exception {
        start(UpstreamSmtp.plain(), "upstreamReuseSeconds=0");
        sendOne("a@example.net");
        sendOne("b@example.net");
        assertEquals(2, upstream.connections());
        assertEquals(2, count("QUIT"));
        assertEquals(0, proxy.stats().getUpstreamSessionsReused());
    }

    @Test
    void aKeptConnectionSaysQuitAfterItsIdleTime() throws Exception {
        start(UpstreamSmtp.plain(), "upstreamReuseSeconds=1");
        sendOne("a@example.net");
        long deadline = System.currentTimeMillis() + 5000;
        while (count("QUIT") == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(1, count("QUIT"), "the idle connection is closed with QUIT, not left open");
        sendOne("b@example.net");
        assertEquals(2, upstream.connections());
    }

    @Test
    void aSessionThatRelayedAuthDoesNotLeaveItsConnection() throws Exception {
        start(UpstreamSmtp.plain());
        try (SmtpScript c = new SmtpScript(proxy.port())) {
            c.reply();
            assertTrue(c.command("EHLO client.test").contains("AUTH"));
            String plain = Base64.getEncoder().encodeToString("\0user\0secret".getBytes(StandardCharsets.UTF_8));
            assertTrue(c.command("AUTH PLAIN " + plain).startsWith("235"));
            assertTrue(c.command("QUIT").startsWith("221"));
        }
        sendOne("b@example.net");
        assertEquals(2, upstream.connections(), "the next client never rides on another's login");
        assertFalse(upstream.received().get(0).authenticated());
        assertEquals(1, count("QUIT"), "the authenticated session's QUIT went upstream");
    }

    @Test
    void aSessionEndingInsideATransactionDoesNotLeaveItsConnection() throws Exception {
        start(UpstreamSmtp.plain());
        session("MAIL FROM:<sender@example.com>", "250", "QUIT", "221");
        sendOne("b@example.net");
        assertEquals(2, upstream.connections());
    }

    @Test
    void aKeptConnectionTheUpstreamClosedIsNotUsed() throws Exception {
        start(UpstreamSmtp.plainClosingIdleAfter(300));
        sendOne("a@example.net");
        Thread.sleep(1000); // the upstream's 421 and close come while the connection is kept
        sendOne("b@example.net");
        assertEquals(2, upstream.received().size());
        assertEquals(2, upstream.connections());
        assertEquals(0, proxy.stats().getUpstreamSessionsReused());
    }

    @Test
    void aKeptConnectionLostUnderTheNextClientIsReplacedUnseen() throws Exception {
        start(UpstreamSmtp.plain());
        sendOne("a@example.net");
        upstream.dropNextRepeatedEhlo();
        sendOne("b@example.net"); // its EHLO is lost with the kept connection, and sent again on a new one
        assertEquals(2, upstream.received().size());
        assertEquals("b@example.net", upstream.received().get(1).recipients().get(0));
        assertEquals(2, upstream.connections());
        assertEquals(3, count("EHLO"));
        assertEquals(2, proxy.stats().getUpstreamConnections());
    }

    @Test
    void aKeptConnectionThatSays421ToTheNextClientIsReplacedUnseen() throws Exception {
        start(UpstreamSmtp.plain());
        sendOne("a@example.net");
        upstream.dropNextRepeatedEhlo("421 4.3.2 too many messages on this connection");
        sendOne("b@example.net");
        assertEquals(2, upstream.received().size());
        assertEquals(2, upstream.connections());
    }

    @Test
    void aConnectionTheUpstreamRefusedSomethingOnIsNotKept() throws Exception {
        start(UpstreamSmtp.plain());
        session("MAIL FROM:<sender@example.com>", "250", "RCPT TO:<nobody@example.net>", "550", "RSET", "250",
                "QUIT", "221");
        sendOne("b@example.net");
        assertEquals(2, upstream.connections(), "an upstream counting errors per connection never counts one client's against the next");
        assertEquals(1, count("QUIT"));
    }

    @Test
    void aConnectionCarriesAtMostItsShareOfMessages() throws Exception {
        start(UpstreamSmtp.plain());
        for (int i = 0; i <= UpstreamSessions.MAX_MESSAGES; i++) {
            sendOne("to" + i + "@example.net");
        }
        assertEquals(UpstreamSessions.MAX_MESSAGES + 1, upstream.received().size());
        assertEquals(2, upstream.connections());
        assertEquals(1, count("QUIT"), "the full connection says QUIT");
    }

    @Test
    void aSessionOfNoopsDoesNotLeaveItsConnection() throws Exception {
        start(UpstreamSmtp.plain());
        List<String> noops = new ArrayList<>();
        for (int i = 0; i < UpstreamSessions.MAX_COMMANDS_WITHOUT_MESSAGE; i++) {
            noops.addAll(List.of("NOOP", "250"));
        }
        noops.addAll(List.of("QUIT", "221"));
        session(noops.toArray(String[]::new));
        sendOne("b@example.net");
        assertEquals(2, upstream.connections(), "an upstream counting NOOPs per connection never counts one client's against the next");
    }

    @Test
    void aSessionWithoutAMessageLeavesItsConnection() throws Exception {
        start(UpstreamSmtp.plain());
        session("NOOP", "250", "QUIT", "221");
        sendOne("b@example.net");
        assertEquals(1, upstream.connections());
    }

    @Test
    void aTlsLegIsNotHandedToAPlainClientWhoMayBeShownAuthBeforeItsStartTls() throws Exception {
        // a certificate of the proxy's own and tlsAuthOnly off: AUTH as the upstream shows it; this
        // upstream shows AUTH only over TLS, so a client in clear must not see it through a kept TLS leg
        upstream = UpstreamSmtp.withTls(tls, true);
        String[] options = {"ioThreads=1", "tlsAuthOnly=false"};
        proxy = TestProxy.start(tls, upstream, true, 1_000_000, e -> { }, options);
        sendOne("a@example.net"); // in clear; the upstream leg goes on TLS before MAIL
        try (SmtpScript c = new SmtpScript(proxy.port())) {
            c.reply();
            String ehlo = c.command("EHLO client.test");
            assertTrue(ehlo.contains("STARTTLS"), ehlo);
            assertFalse(ehlo.contains("AUTH"), "in clear, as a fresh session shows it: " + ehlo);
            c.command("QUIT");
        }
        assertEquals(2, upstream.connections());
    }

    @Test
    void anUpstreamTlsConnectionIsKeptWithItsTls() throws Exception {
        start(UpstreamSmtp.withTls(tls, true));
        sendOne("a@example.net");
        sendOne("b@example.net");
        assertEquals(2, upstream.received().size(), "the upstream takes mail only over TLS");
        assertEquals(1, upstream.connections());
        assertEquals(1, count("STARTTLS"), "one handshake for both sessions");
    }
}
