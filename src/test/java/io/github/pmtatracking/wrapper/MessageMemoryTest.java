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
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

/**
 * The proxy's message memory (messageMemory=3000 bytes): while one session's 2,000-byte message is
 * held in the route, another's 1,500 bytes do not fit and get 452 4.3.1, 500 bytes do, and a
 * message larger than the whole memory is refused for its size (SIZE shows the memory, not
 * maxMessageSize's 50 MB). Once the first is relayed its bytes are free again and the 1,500 go.
 */
class MessageMemoryTest extends CamelTestSupport {

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
                        + "&maxMessageSize=52428800&messageMemory=3000&largeMessageSize=1800")
                        .routeId("proxy")
                        .process(e -> {
                            if (e.getMessage().getBody(byte[].class).length >= 1800) {
                                heldInRoute.countDown();
                                assertTrue(release.await(30, TimeUnit.SECONDS));
                            }
                        });
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

    @Test
    void messagesPastTheMemoryWaitWith452AndOneLargerThanItIsRefusedForItsSize() throws Exception {
        SmtpProxyEndpoint endpoint = (SmtpProxyEndpoint) context.getRoute("proxy").getEndpoint();
        ExecutorService client = Executors.newSingleThreadExecutor();
        try {
            Future<String> held = client.submit(() -> {
                try (SmtpScript c = new SmtpScript(port)) {
                    c.reply();
                    c.command("EHLO held.example");
                    return send(c, "a@example.com", message(2000));
                }
            });
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
}
