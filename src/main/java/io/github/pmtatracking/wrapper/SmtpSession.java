package io.github.pmtatracking.wrapper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one client session knows, and nothing else: the handlers ({@link SmtpCommands},
 * {@link StartTlsPolicy}, {@link MessageBinding}) are stateless, as Apache James's are, and read and
 * change it on the client's event loop only, so it needs no locks.
 */
final class SmtpSession {

    private static final AtomicLong SESSIONS = new AtomicLong();

    final String id = Long.toString(SESSIONS.incrementAndGet(), 36);
    final SessionRefusals refusals;
    final String clientIp;
    /** The client's last successful EHLO line, sent upstream again after the upstream leg's STARTTLS; null before. */
    String ehloLine;
    String helo = "";
    /** What the last EHLO reply offered the client; null before HELO/EHLO succeeded. */
    EsmtpOffer offer;
    boolean clientTls;
    boolean upstreamOffersStartTls;
    boolean authenticated;
    /** AUTH went upstream at least once: the upstream connection may carry this client's identity, so it is not kept. */
    boolean upstreamAuth;
    /** Inside AUTH: the next line is a SASL response, not a command. */
    boolean authContinuation;
    /** The accepted sender; null outside a transaction. */
    String mailFrom;
    /** The recipients the upstream accepted in this transaction. */
    final List<String> recipients = new ArrayList<>();
    /** Recipients per transaction, 0 for no limit: the proxy's maxRecipients. */
    private final int maxRecipients;
    private int messages;

    SmtpSession(WrapperStats stats, int maxRefusedCommands, int maxRecipients, String clientIp) {
        this.refusals = new SessionRefusals(stats, maxRefusedCommands, id);
        this.maxRecipients = maxRecipients;
        this.clientIp = clientIp;
    }

    boolean inTransaction() {
        return mailFrom != null;
    }

    /** The state {@link SmtpCommandPolicy} judges the next line against. */
    SmtpCommandPolicy.State policyState() {
        return new SmtpCommandPolicy.State(offer, mailFrom != null, !recipients.isEmpty(), authenticated,
                maxRecipients > 0 && recipients.size() >= maxRecipients);
    }

    /** The end of a transaction: delivered, refused, RSET, or a new EHLO. */
    void resetTransaction() {
        mailFrom = null;
        recipients.clear();
    }

    /** RFC 3207 4.2: after the client's TLS handshake the session starts again; nothing learnt before is kept. */
    void restartOnTls() {
        clientTls = true;
        ehloLine = null;
        offer = null;
        authenticated = false;
        helo = "";
        resetTransaction();
    }

    /** The proxy's name for the next message: session id and number, as the logs show it. */
    String nextMessageId() {
        return id + "." + ++messages;
    }
}
