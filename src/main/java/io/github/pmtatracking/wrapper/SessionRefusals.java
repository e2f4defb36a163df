package io.github.pmtatracking.wrapper;

import io.github.pmtatracking.wrapper.SmtpCommandPolicy.Refuse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's refusals by the proxy itself: each counted by reason and logged once, with the
 * verb only (arguments may hold credentials, and the bytes are the client's). Past the limit the
 * session is to be closed: RFC 5321 7.8 lets a server end a session that looks like an attack
 * after a number of 5yz replies, as Postfix's {@code smtpd_hard_error_limit} does.
 */
final class SessionRefusals {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRefusals.class);

    private final WrapperStats stats;
    private final int limit;
    private final String sessionId;
    private int count;

    SessionRefusals(WrapperStats stats, int limit, String sessionId) {
        this.stats = stats;
        this.limit = limit;
        this.sessionId = sessionId;
    }

    /** Counts and logs a refused line; true when the session has reached the limit and must close. */
    boolean refused(Refuse r, String line, String client) {
        stats.commandRefused(r.reason());
        if (!r.reason().clientFault()) {
            // the normal course of things (a message for many recipients): one line each at INFO
            // would drown the log, and the session limit is for clients that misbehave
            LOG.debug("[{}] {} from {}: {} ({})", sessionId, SmtpCommandPolicy.shown(line), client, r.reply(), r.reason().label());
            return false;
        }
        if (r.reason() == CommandRefusal.DECLARED_SIZE) {
            stats.tooBig.increment(); // a message refused for its size, only before its data rather than after
            stats.finalReply(r.reply());
        }
        LOG.info("[{}] refused {} from {}: {} ({})", sessionId, SmtpCommandPolicy.shown(line), client, r.reply(), r.reason().label());
        count++;
        if (limit > 0 && count >= limit) {
            stats.commandRefused(CommandRefusal.TOO_MANY_ERRORS);
            LOG.warn("[{}] {} commands refused from {}: closing the session", sessionId, count, client);
            return true;
        }
        return false;
    }

    /** Bytes sent ahead behind STARTTLS or DATA (the session closes). */
    void pipelined(String after, String client) {
        stats.commandRefused(CommandRefusal.PIPELINED);
        LOG.info("[{}] refused commands pipelined after {} from {}", sessionId, after, client);
    }
}
