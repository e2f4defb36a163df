package io.github.pmtatracking.wrapper;

import java.util.List;
import java.util.concurrent.ExecutorService;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Camel binding: a message the client sent becomes one exchange (body: the bytes, CRLF line
 * ends; headers: {@link SmtpProxyConstants}), the route runs, and the exchange becomes what goes
 * upstream, or the client's answer when the route failed: 451 (try again later), or 554 for a
 * {@link MessageRejectedException}. As in camel-smpp, the exchange goes to the consumer's
 * asynchronous processor and the answer is given in its callback; a route that does not leave the
 * thread calls back on the client's event loop at once, so no message changes threads. A large
 * message ({@link SmtpProxyConfiguration#setLargeMessageSize}) runs the route on a worker thread,
 * and its answer comes back to the client's event loop.
 */
final class MessageBinding {

    private static final Logger LOG = LoggerFactory.getLogger(MessageBinding.class);

    /** What the route made of a message: the bytes to relay, or the refusal to give the client. */
    interface Outcome {
        void accept(byte[] relay, SmtpReply refusal);
    }

    private MessageBinding() {
    }

    static void process(ClientHandler h, byte[] content, Outcome outcome) {
        SmtpSession s = h.session();
        String messageId = s.nextMessageId();
        SmtpProxyConsumer consumer = h.consumer();
        Exchange exchange = consumer.createExchange(false);
        Message in = exchange.getMessage();
        in.setBody(content);
        in.setHeader(SmtpProxyConstants.MAIL_FROM, s.mailFrom);
        in.setHeader(SmtpProxyConstants.RECIPIENTS, List.copyOf(s.recipients));
        in.setHeader(SmtpProxyConstants.CLIENT_ADDRESS, s.clientIp);
        in.setHeader(SmtpProxyConstants.HELO, s.helo);
        in.setHeader(SmtpProxyConstants.TLS, s.clientTls);
        in.setHeader(SmtpProxyConstants.MESSAGE_ID, messageId);
        Runnable route = () -> consumer.getAsyncProcessor().process(exchange, doneSync -> h.onLoop(() -> {
            Exception failure = exchange.getException();
            byte[] out = failure == null ? exchange.getMessage().getBody(byte[].class) : null;
            consumer.releaseExchange(exchange, false);
            if (failure == null && out != null) {
                outcome.accept(out, null);
                return;
            }
            String why = failure == null ? "the route produced no message" : failure.getMessage();
            LOG.warn("[{}] message {} not relayed, route failed: {}", s.id, messageId, why);
            h.endpoint.stats().routeFailures.increment();
            outcome.accept(null, failure instanceof MessageRejectedException
                    ? SmtpReply.of(554, "5.6.0 Message refused: " + oneLine(why))
                    : SmtpReply.of(451, "4.3.0 Message not relayed, try again later"));
        }));
        ExecutorService worker = consumer.routeThreadFor(content.length);
        if (worker == null) {
            route.run();
            return;
        }
        h.endpoint.stats().largeMessages.increment();
        worker.execute(route); // never a pool shut down: routeThreadFor gave none then
    }

    /** A refusal's reason as one reply line: no CR or LF from an exception message reaches the wire. */
    private static String oneLine(String s) {
        String t = s == null ? "" : s.replaceAll("[\\r\\n]+", " ").trim();
        return t.length() > 200 ? t.substring(0, 200) : t;
    }
}
