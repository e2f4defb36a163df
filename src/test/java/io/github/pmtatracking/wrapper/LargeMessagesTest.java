package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * Large messages, on a proxy with one I/O thread, messageMemory=3000 and largeMessageSize=1800, a
 * route step that holds every message of 1,800 bytes or more (standing for a long rewrite).
 *
 * <p>A large message runs the route on a worker thread: while its route is held, the one I/O
 * thread still greets a new client and relays that client's small message (with the route on the
 * I/O thread the newcomer would get no greeting, and SmtpScript's 10 s read timeout fails the test).
 *
 * <p>The proxy's message memory (messageMemory=3000 bytes): while one session's 2,000-byte message is
 * held in the route, another's 1,500 bytes do not fit and get 452 4.3.1, 500 bytes do, and a
 * message larger than the whole memory is refused for its size (SIZE shows the memory, not
 * maxMessageSize's 50 MB). Once the first is relayed its bytes are free again and the 1,500 go.
 */
class LargeMessagesTest extends CamelTestSupport {

    private final CountDownLatch heldInRoute = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private UpstreamSmtp upstream;
    private int port;

    @Override
    protected void doPreSetup() throws Exception {
        upstream = UpstreamSmtp.plain();
        port = TestRedis.freePort();
    }

    @Override
    protected void doPostTearDown() {
        release.countDown();
        upstream.close();
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("smtp-proxy:127.0.0.1:" + port + "?upstream=127.0.0.1:" + upstream.port()
                        + "&ioThreads=1&maxMessageSize=52428800&messageMemory=3000&largeMessageSize=1800")
                        .routeId("proxy")
                        .process(e -> {
                            e.getMessage().setHeader("routeThread", Thread.currentThread().getName());
                            if (e.getMessage().getBody(byte[].class).length >= 1800) {
                                heldInRoute.countDown();
                                assertTrue(release.await(30, TimeUnit.SECONDS));
                            }
                        })
                        .to("mock:messages");
            }
        };
    }

    /** A message of about {@code bytes} bytes: a subject and lines of 78 octets. */
    private static String message(int bytes) {
        return "Subject: " + bytes + "\r\n\r\n" + ("z".repeat(76) + "\r\n").repeat(bytes / 78) + ".";
    }

    private static String send(SmtpScript c, String rcpt, String message) throws Exception {
        assertTrue(c.command("MAIL FROM:<s@example.com>").startsWith("250"));
        assertTrue(c.command("RCPT TO:<" + rcpt + ">").startsWith("250"));
        assertTrue(c.command("DATA").startsWith("354"));
        return c.command(message);
    }

    /** A 2,000-byte message (the route holds it) from a client of its own; its final reply. */
    private Future<String> sendLarge(ExecutorService client, String helo) {
        return client.submit(() -> {
            try (SmtpScript c = new SmtpScript(port)) {
                c.reply();
                c.command("EHLO " + helo);
                return send(c, "a@example.com", message(2000));
            }
        });
    }

    @Test
    void messagesPastTheMemoryWaitWith452AndOneLargerThanItIsRefusedForItsSize() throws Exception {
        SmtpProxyEndpoint endpoint = (SmtpProxyEndpoint) context.getRoute("proxy").getEndpoint();
        ExecutorService client = Executors.newSingleThreadExecutor();
        try {
            Future<String> held = sendLarge(client, "held.example");
            assertTrue(heldInRoute.await(10, TimeUnit.SECONDS));
            try (SmtpScript c = new SmtpScript(port)) {
                c.reply();
                assertTrue(c.command("EHLO other.example").contains("SIZE 3000"), "SIZE is what the memory holds");
                assertTrue(c.command("MAIL FROM:<s@example.com> SIZE=4000").startsWith("552 5.3.4"));
                assertTrue(send(c, "b@example.com", message(1500)).startsWith("452 4.3.1"), "no room while the first is held");
                assertTrue(send(c, "b@example.com", message(500)).startsWith("250"), "room for this one");
                assertTrue(send(c, "b@example.com", message(3500)).startsWith("552 5.3.4"), "larger than the whole memory");

                release.countDown();
                assertTrue(held.get(10, TimeUnit.SECONDS).startsWith("250"));
                assertTrue(send(c, "b@example.com", message(1500)).startsWith("250"), "the first's bytes are free again");
                assertEquals("221", c.command("QUIT").substring(0, 3));
            }
        } finally {
            client.shutdownNow();
        }
        assertEquals(3, upstream.received().size());
        WrapperStats stats = context.getComponent("smtp-proxy", SmtpProxyComponent.class).getStats();
        assertEquals(1, stats.getMessagesOverMemory());
        assertEquals(2, stats.getMessagesTooBig());
        assertEquals(0, endpoint.memory().held(), "every message's bytes released");
    }

    @Test
    void aMessageKeepsItsShareUntilItsRouteAndRelayEndEvenWhenItsClientLeaves() throws Exception {
        SmtpProxyEndpoint endpoint = (SmtpProxyEndpoint) context.getRoute("proxy").getEndpoint();
        try (SmtpScript c = new SmtpScript(port)) {
            c.reply();
            c.command("EHLO gone.example");
            assertTrue(c.command("MAIL FROM:<s@example.com>").startsWith("250"));
            assertTrue(c.command("RCPT TO:<a@example.com>").startsWith("250"));
            assertTrue(c.command("DATA").startsWith("354"));
            c.send(message(2000) + "\r\n");
            assertTrue(heldInRoute.await(10, TimeUnit.SECONDS));
        } // gone while its message is in the route
        Thread.sleep(500); // the session's close has run on its I/O thread
        assertTrue(endpoint.memory().held() >= 1900, "still held while the route has it: " + endpoint.memory().held());
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (endpoint.memory().held() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, endpoint.memory().held(), "released once the route and the relay ended");
    }

    @Test
    void aLargeMessagesRouteLeavesTheIoThreadToTheOtherSessions() throws Exception {
        MockEndpoint messages = getMockEndpoint("mock:messages");
        messages.expectedMessageCount(2);
        ExecutorService client = Executors.newSingleThreadExecutor();
        try {
            Future<String> largeReply = sendLarge(client, "large.example");
            assertTrue(heldInRoute.await(10, TimeUnit.SECONDS), "the large message reached the route");

            // the large message's route holds a worker thread; the single I/O thread serves a newcomer
            try (SmtpScript c = new SmtpScript(port)) {
                assertTrue(c.reply().startsWith("220"), "greeted while the large message is in its route");
                c.command("EHLO small.example");
                assertTrue(send(c, "b@example.com", "Subject: small\r\n\r\nhello\r\n.").startsWith("250"));
            }
            assertEquals(1, upstream.received().size(), "only the small message is upstream yet");
            assertFalse(largeReply.isDone(), "no answer for the large message before the upstream has it");

            release.countDown();
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
