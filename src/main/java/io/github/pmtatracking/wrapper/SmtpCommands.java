package io.github.pmtatracking.wrapper;

import io.github.pmtatracking.wrapper.SmtpCommandPolicy.Answer;
import io.github.pmtatracking.wrapper.SmtpCommandPolicy.Refuse;
import io.github.pmtatracking.wrapper.SmtpCommandPolicy.Relay;
import io.github.pmtatracking.wrapper.SmtpCommandPolicy.Verdict;
import io.github.pmtatracking.wrapper.SmtpServerDecoder.BadLine;
import io.github.pmtatracking.wrapper.SmtpServerDecoder.Line;
import io.github.pmtatracking.wrapper.SmtpServerDecoder.Message;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP conversation, one handler per step and all stateless: each reads and changes the
 * {@link SmtpSession} and answers through the {@link ClientHandler}. {@link SmtpCommandPolicy}
 * decides first whether a line may go upstream at all. The proxy says 250 only once the upstream did:
 * MAIL, RCPT and the data are the upstream's to accept. DATA is answered here (354), the message
 * passes through the route ({@link MessageBinding}), and only then does the upstream's DATA start.
 */
final class SmtpCommands {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpCommands.class);

    private SmtpCommands() {
    }

    /** The next item from the decoder: a command line, a line refused unread, or the end of the data. */
    static void take(ClientHandler h, Object item) {
        SmtpSession session = h.session();
        if (item instanceof Message m) {
            message(h, m);
            return;
        }
        if (item instanceof BadLine b) {
            h.trace.downstream("[command line refused unread: " + b.reason().label() + "]\r\n");
            Refuse r = SmtpCommandPolicy.refusal(b.reason());
            if (session.authContinuation) {
                cancelAuth(h, r, "-");
            } else {
                h.refuse(r, "-");
            }
            return;
        }
        Line l = (Line) item;
        String line = l.text();
        h.trace.downstream(line + "\r\n");
        if (session.authContinuation) {
            Refuse bad = SmtpCommandPolicy.checkSaslResponse(line, l.octets());
            if (bad != null) {
                cancelAuth(h, bad, "AUTH");
            } else {
                h.relay(line, "<credentials>", r -> authReply(h, r));
            }
            return;
        }
        Verdict v = SmtpCommandPolicy.check(line, l.octets(), session.policyState());
        if (v instanceof Refuse r) {
            h.refuse(r, line);
        } else if (v instanceof Answer a) {
            h.answer(a.reply());
        } else {
            relay(h, (Relay) v, line);
        }
    }

    /** A refused line inside AUTH: the upstream's AUTH is cancelled with "*" (RFC 4954 4), so both sides leave it. */
    private static void cancelAuth(ClientHandler h, Refuse r, String shown) {
        h.relay("*", "*", cancelled -> {
            h.session().authContinuation = false;
            h.refuse(r, shown);
        }, false);
    }

    /** A line {@link SmtpCommandPolicy} let through. */
    static void relay(ClientHandler h, Relay relay, String line) {
        SmtpSession s = h.session();
        StartTlsPolicy tls = h.endpoint.startTls();
        switch (relay.verb()) {
            case "EHLO", "HELO" -> hello(h, line, relay.verb().equals("EHLO"));
            case "STARTTLS" -> tls.clientStartTls(h);
            case "AUTH" -> tls.secureUpstreamThen(h, () -> {
                s.upstreamAuth = true;
                h.relay(line, SessionTrace.maskAuth(line), r -> authReply(h, r));
            });
            case "MAIL" -> tls.secureUpstreamThen(h, () -> h.relay(line, line, r -> {
                if (r.positive()) {
                    s.mailFrom = relay.path();
                    s.recipients.clear();
                }
                h.reply(r);
            }));
            case "RCPT" -> h.relay(line, line, r -> {
                if (r.positive()) {
                    s.recipients.add(relay.path());
                }
                h.reply(r);
            });
            case "RSET" -> h.relay(line, line, r -> {
                s.resetTransaction();
                h.reply(r);
            });
            case "DATA" -> data(h);
            case "QUIT" -> quit(h, line);
            case "NOOP" -> h.relay(line, line, h::reply);
            default -> throw new IllegalStateException("no relay for " + relay.verb());
        }
    }

    /**
     * QUIT: relayed, and the session ends with the upstream's 221; or, when the upstream connection
     * is kept for the next client ({@link UpstreamSessions}), answered here, since that connection
     * stays.
     */
    private static void quit(ClientHandler h, String line) {
        if (h.keepsUpstream() || h.upstreamUnproven()) {
            h.trace.event(h.keepsUpstream() ? "---Upstream connection kept for the next session" : "---Upstream connection not used");
            h.reply(SmtpReply.of(221, "2.0.0 Bye"));
            h.close();
            return;
        }
        h.relay(line, line, r -> {
            h.reply(r);
            h.close();
        });
    }

    /** The upstream's answer to AUTH or to one of its SASL responses. */
    static void authReply(ClientHandler h, SmtpReply r) {
        SmtpSession s = h.session();
        s.authContinuation = r.code() == 334;
        if (r.code() == 235) {
            s.authenticated = true;
        }
        h.reply(r);
    }

    private static void hello(ClientHandler h, String line, boolean ehlo) {
        SmtpSession s = h.session();
        h.relay(line, line, r -> {
            if (!r.positive()) {
                h.answer(r); // RFC 5321 4.1.4: a refused EHLO leaves the session as it was
                return;
            }
            s.ehloLine = line;
            s.helo = line.substring(5).trim();
            s.resetTransaction();
            if (!ehlo) {
                s.offer = EsmtpOffer.NONE; // HELO: no extensions, and exactly one reply
                h.answer(r);
                return;
            }
            s.upstreamOffersStartTls = Capabilities.offersStartTls(r);
            StartTlsPolicy tls = h.endpoint.startTls();
            if (tls.upgradesUpstreamAlone(s, h.upstream())) {
                // no certificate of our own (or the client is on TLS already): upgrade the upstream
                // leg now, so the client sees its capabilities after TLS and credentials never go in clear
                tls.upgradeUpstreamThen(h, shown -> replyEhlo(h, shown));
                return;
            }
            replyEhlo(h, r);
        }, false);
    }

    /** The upstream's EHLO reply as the client may see it: what the proxy honours and offers itself. */
    static void replyEhlo(ClientHandler h, SmtpReply r) {
        SmtpSession s = h.session();
        StartTlsPolicy tls = h.endpoint.startTls();
        SmtpReply shown = Capabilities.filter(r, tls.offersStartTlsTo(s), tls.offersAuthTo(s), s.clientTls && h.upstream().tls(),
                h.endpoint.maxMessageSize());
        s.offer = EsmtpOffer.of(shown);
        h.answer(shown);
    }

    private static void data(ClientHandler h) {
        if (h.pipelinedInput()) {
            h.refusePipelined("DATA");
            return;
        }
        h.decoder.startData();
        h.answer(SmtpReply.of(354, "End data with <CR><LF>.<CR><LF>"));
    }

    /** The end of the data: the message through the route, then upstream; or refused for its size. */
    static void message(ClientHandler h, Message m) {
        if (m.oversize()) {
            h.trace.downstream("[message of " + m.size() + " bytes refused: over the size limit]\r\n.\r\n");
            h.endpoint.stats().tooBig.increment();
            refuseMessage(h, SmtpReply.of(552, "5.3.4 Message size exceeds the limit of "
                    + h.endpoint.maxMessageSize() + " bytes"));
            return;
        }
        if (m.noMemory()) {
            h.trace.downstream("[message of " + m.size() + " bytes refused: the proxy's message memory is full]\r\n.\r\n");
            h.endpoint.stats().noMemory.increment();
            LOG.warn("[{}] message of {} bytes refused with 452: the proxy holds {} of its {} bytes of message memory",
                    h.session().id, m.size(), h.endpoint.memory().held(), h.endpoint.memory().budget());
            refuseMessage(h, SmtpReply.of(452, "4.3.1 Insufficient system storage, try again later"));
            return;
        }
        h.trace.downstream(m.content());
        h.trace.downstream(".\r\n");
        Runnable release = h.endpoint.memory().holding(m.reserved());
        MessageBinding.process(h, m.content(), (out, refusal) -> {
            if (refusal != null) {
                release.run();
                refuseMessage(h, refusal);
            } else {
                sendUpstream(h, out, release);
            }
        });
    }

    /** The proxy refuses the message itself: the envelope went upstream, so that transaction ends too. */
    private static void refuseMessage(ClientHandler h, SmtpReply reply) {
        h.upstream().send("RSET", h.endpoint.getConfiguration().replyTimeoutMillis());
        h.session().resetTransaction();
        h.endpoint.stats().finalReply(reply);
        h.answer(reply);
    }

    /** The upstream's DATA, then what the route produced (dot-stuffed), and its final reply to the client. */
    private static void sendUpstream(ClientHandler h, byte[] out, Runnable release) {
        UpstreamClient upstream = h.upstream();
        SmtpProxyConfiguration config = h.endpoint.getConfiguration();
        h.trace.upstream(upstream.tls(), "DATA");
        upstream.send("DATA", config.replyTimeoutMillis()).thenCompose(r -> {
            h.trace.reply(upstream.tls(), r);
            if (r.code() != 354) {
                return CompletableFuture.completedFuture(r);
            }
            h.trace.upstreamData(out);
            return upstream.sendData(DotStuffing.toWire(out), config.dataTimeoutMillis());
        }).whenComplete((r, err) -> h.onLoop(() -> {
            release.run(); // the upstream has the message, or never will from this session
            if (err != null) {
                h.upstreamFailed(err);
                return;
            }
            h.trace.reply(upstream.tls(), r);
            LOG.info("Message DATA upstream,{},{},{}", out.length, r.code(), r.text());
            h.endpoint.stats().finalReply(r);
            h.session().resetTransaction();
            h.answer(r);
        }));
    }
}
