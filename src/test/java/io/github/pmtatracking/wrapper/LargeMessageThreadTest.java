package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.testing.SmtpScript;
import io.github.pmtatracking.testing.TestRedis;
import io.github.pmtatracking.testing.UpstreamSmtp;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

/**
 * A message of at least largeMessageSize bytes runs the route on a worker thread: while its route
 * is held (a step that waits, standing for a long rewrite), the one I/O thread there is still
 * greets a new client and relays that client's small message, and the large message's 250 comes
 * once its route ends. With the route on the I/O thread, the new client would get no greeting
 * until the large message's route finished (SmtpScript's 10 s read timeout would fail the test).
 */
class LargeMessageThreadTest extends CamelTestSupport {

    private final CountDownLatch largeInRoute = new CountDownLatch(1);
    private final CountDownLatch releaseLarge = new CountDownLatch(1);
    private UpstreamSmtp upstream;
    private int port;

    @Override
    protected void doPreSetup() throws Exception {
        upstream = UpstreamSmtp.plain();
        port = TestRedis.freePort();
    }

    @Override
    protected void doPostTearDown() {
        releaseLarge.countDown();
        upstream.close();
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("smtp-proxy:127.0.0.1:" + port + "?upstream=127.0.0.1:" + upstream.port()
                        + "&ioThreads=1&largeMessageSize=1000&replyTimeoutSeconds=30&dataTimeoutSeconds=30")
                        .routeId("proxy")
                        .process(e -> {
                            e.getMessage().setHeader("routeThread", Thread.currentThread().getName());
                            if (e.getMessage().getBody(byte[].class).length >= 1000) {
                                largeInRoute.countDown();
                                assertTrue(releaseLarge.await(30, TimeUnit.SECONDS));
                            }
                        })
                        .to("mock:messages");
            }
        };
    }

    @Test
    void aLargeMessagesRouteLeavesTheIoThreadToTheOtherSessions() throws Exception {
        MockEndpoint messages = getMockEndpoint("mock:messages");
        messages.expectedMessageCount(2);
        ExecutorService client = Executors.newSingleThreadExecutor();
        try {
            Future<String> largeReply = client.submit(() -> {
                try (SmtpScript c = new SmtpScript(port)) {
                    c.reply();
                    c.command("EHLO large.example");
                    c.command("MAIL FROM:<s@example.com>");
                    c.command("RCPT TO:<a@example.com>");
                    c.command("DATA");
                    return c.command("Subject: large\r\n\r\n" + ("y".repeat(76) + "\r\n").repeat(20) + "."); // 1,600 bytes
                }
            });
            assertTrue(largeInRoute.await(10, TimeUnit.SECONDS), "the large message reached the route");

            // the large message's route holds a worker thread; the single I/O thread serves a newcomer
            try (SmtpScript c = new SmtpScript(port)) {
                assertTrue(c.reply().startsWith("220"), "greeted while the large message is in its route");
                c.command("EHLO small.example");
                c.command("MAIL FROM:<s@example.com>");
                c.command("RCPT TO:<b@example.com>");
                c.command("DATA");
                assertTrue(c.command("Subject: small\r\n\r\nhello\r\n.").startsWith("250"));
            }
            assertEquals(1, upstream.received().size(), "only the small message is upstream yet");
            assertTrue(!largeReply.isDone(), "no answer for the large message before the upstream has it");

            releaseLarge.countDown();
            assertTrue(largeReply.get(10, TimeUnit.SECONDS).startsWith("250"));
        } finally {
            client.shutdownNow();
        }
        messages.assertIsSatisfied();
        assertEquals(2, upstream.received().size());
        assertTrue(messages.getExchanges().get(0).getMessage().getHeader("routeThread", String.class).startsWith("wrapper-io-"),
                "the small message stayed on its I/O thread");
        assertTrue(messages.getExchanges().get(1).getMessage().getHeader("routeThread", String.class).contains("wrapper-large-messages"),
                "the large message's route ran on a worker thread");
        WrapperStats stats = context.getComponent("smtp-proxy", SmtpProxyComponent.class).getStats();
        assertEquals(1, stats.getLargeMessages());
        assertEquals(2, stats.getMessagesRelayed());
    }
}
