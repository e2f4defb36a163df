package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.testing.SmtpScript;
import io.github.pmtatracking.testing.TestRedis;
import io.github.pmtatracking.testing.TestTls;
import io.github.pmtatracking.testing.UpstreamSmtp;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The smtp-proxy component as a route's source, its options set through the endpoint URI only:
 * the client's STARTTLS from Camel's {@code sslContextParameters} (a key store), the upstream leg's
 * trust from {@code upstreamSslContextParameters}, the limits and timeouts. A real SMTP server
 * upstream requires TLS, so a message that arrives proves both legs were upgraded.
 */
class SmtpProxyComponentTest extends CamelTestSupport {

    private static final String PLAIN_CREDENTIALS = Base64.getEncoder().encodeToString("\0user\0secret".getBytes());

    private static TestTls tls;
    private UpstreamSmtp upstream;
    private int port;

    @BeforeAll
    static void certificates() throws Exception {
        tls = TestTls.create();
    }

    @Override
    protected void doPreSetup() throws Exception {
        upstream = UpstreamSmtp.withTls(tls, true);
        port = TestRedis.freePort();
    }

    @Override
    protected void doPostTearDown() {
        upstream.close();
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        KeyStoreParameters store = new KeyStoreParameters();
        store.setResource(tls.keyStore.toUri().toString());
        store.setPassword(TestTls.PASSWORD);
        store.setType("PKCS12");
        KeyManagersParameters keys = new KeyManagersParameters();
        keys.setKeyStore(store);
        keys.setKeyPassword(TestTls.PASSWORD);
        SSLContextParameters server = new SSLContextParameters();
        server.setKeyManagers(keys);
        registry.bind("serverTls", server);
        registry.bind("upstreamTrust", TestProxy.trusting(tls));
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("smtp-proxy:127.0.0.1:" + port + "?upstream=127.0.0.1:" + upstream.port()
                        + "&sslContextParameters=#serverTls&tlsAuthOnly=true"
                        + "&upstreamStartTls=true&upstreamSslContextParameters=#upstreamTrust"
                        + "&maxMessageSize=5000&maxRefusedCommands=2&maxConnections=10"
                        + "&idleTimeoutSeconds=30&replyTimeoutSeconds=10&dataTimeoutSeconds=10&drainTimeoutSeconds=5&ioThreads=2")
                        .routeId("proxy")
                        .process(e -> e.getMessage().setHeader("ioThread", Thread.currentThread().getName()))
                        .to("mock:messages");
            }
        };
    }

    @Test
    void theUrisOptionsShapeTheSessionAndTheMessageReachesTheRouteAndTheUpstreamOverTls() throws Exception {
        MockEndpoint messages = getMockEndpoint("mock:messages");
        messages.expectedMessageCount(1);
        messages.expectedHeaderReceived(SmtpProxyConstants.MAIL_FROM, "s@example.com");
        messages.expectedHeaderReceived(SmtpProxyConstants.RECIPIENTS, List.of("a@example.com"));
        messages.expectedHeaderReceived(SmtpProxyConstants.HELO, "client.example");
        messages.expectedHeaderReceived(SmtpProxyConstants.TLS, true);
        NotifyBuilder relayed = new NotifyBuilder(context).fromRoute("proxy").whenCompleted(1).create();
        try (SmtpScript c = new SmtpScript(port)) {
            assertTrue(c.reply().startsWith("220"));
            String plain = c.command("EHLO client.example");
            assertTrue(plain.contains("STARTTLS") && plain.contains("SIZE 5000"), plain);
            assertFalse(plain.contains("AUTH"), "tlsAuthOnly: no AUTH before the client's STARTTLS: " + plain);
            assertTrue(c.command("STARTTLS").startsWith("220"));
            c.startTls(tls.clientContext()); // the key store's certificate, from sslContextParameters
            assertTrue(c.command("EHLO client.example").contains("AUTH"));
            assertTrue(c.command("AUTH PLAIN " + PLAIN_CREDENTIALS).startsWith("235"));
            assertTrue(c.command("MAIL FROM:<s@example.com> SIZE=6000").startsWith("552 5.3.4"), "maxMessageSize");
            assertTrue(c.command("MAIL FROM:<s@example.com>").startsWith("250"));
            assertTrue(c.command("RCPT TO:<a@example.com>").startsWith("250"));
            assertTrue(c.command("DATA").startsWith("354"));
            String reply = c.command("Subject: through\r\n\r\nhello\r\n.");
            assertTrue(reply.startsWith("250"), reply);
        }
        assertTrue(relayed.matches(10, TimeUnit.SECONDS));
        messages.assertIsSatisfied();
        assertEquals("Subject: through\r\n\r\nhello\r\n", messages.getExchanges().get(0).getMessage().getBody(String.class));
        assertEquals(1, upstream.received().size());
        assertTrue(upstream.received().get(0).authenticated(), "AUTH went through, over TLS on both legs");
        WrapperStats stats = context.getComponent("smtp-proxy", SmtpProxyComponent.class).getStats();
        assertEquals(1, stats.getMessagesRelayed());
        assertEquals(1, stats.getMessagesTooBig());
    }

    @Test
    void ioThreadsFromTheUriCarryTheSessionsInTurn() throws Exception {
        MockEndpoint messages = getMockEndpoint("mock:messages");
        messages.expectedMessageCount(3);
        for (int i = 0; i < 3; i++) {
            try (SmtpScript c = new SmtpScript(port)) {
                c.reply();
                c.command("EHLO client.example");
                c.command("STARTTLS");
                c.startTls(tls.clientContext());
                c.command("EHLO client.example");
                assertTrue(c.command("MAIL FROM:<s@example.com>").startsWith("250"));
                assertTrue(c.command("RCPT TO:<a@example.com>").startsWith("250"));
                assertTrue(c.command("DATA").startsWith("354"));
                assertTrue(c.command("Subject: " + i + "\r\n\r\nhello\r\n.").startsWith("250"));
            }
        }
        messages.assertIsSatisfied();
        // the sessions go to the I/O threads in turn: three sessions on two threads (Netty's own
        // default, two per core, would have put them on three)
        java.util.Set<String> threads = new java.util.TreeSet<>();
        messages.getExchanges().forEach(e -> threads.add(e.getMessage().getHeader("ioThread", String.class)));
        assertEquals(2, threads.size(), threads.toString());
        assertTrue(threads.stream().allMatch(t -> t.startsWith("wrapper-io-")), threads.toString());
    }

    @Test
    void maxRefusedCommandsFromTheUriEndsTheSession() throws Exception {
        try (SmtpScript c = new SmtpScript(port)) {
            c.reply();
            c.command("EHLO client.example");
            assertTrue(c.command("XCLIENT ADDR=203.0.113.7").startsWith("502"));
            assertEquals("502 5.5.1 Error: command not implemented\n421 4.7.0 Too many errors, closing connection",
                    c.command("ETRN example.com") + "\n" + c.reply());
            assertTrue(c.closedByServer());
        }
        assertFalse(upstream.received("XCLIENT") || upstream.received("ETRN"), upstream.commands().toString());
    }

    @Test
    void anUnknownOptionOrABadListenAddressIsRefused() {
        assertThrows(ResolveEndpointFailedException.class,
                () -> context.getEndpoint("smtp-proxy:127.0.0.1:2525?upstream=127.0.0.1:25&maxMesageSize=1"));
        assertThrows(Exception.class, () -> context.getEndpoint("smtp-proxy:nowhere?upstream=127.0.0.1:25").start());
        assertThrows(Exception.class,
                () -> context.getEndpoint("smtp-proxy:127.0.0.1:2525?upstream=127.0.0.1:25&certFile=/no/cert.pem").start(),
                "certFile without keyFile");
    }
}
