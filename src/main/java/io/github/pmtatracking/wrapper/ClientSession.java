package io.github.pmtatracking.wrapper;

import io.github.pmtatracking.wrapper.SmtpCommandPolicy.Answer;
import io.github.pmtatracking.wrapper.SmtpCommandPolicy.Refuse;
import io.github.pmtatracking.wrapper.SmtpCommandPolicy.Relay;
import io.github.pmtatracking.wrapper.SmtpCommandPolicy.Verdict;
import io.github.pmtatracking.wrapper.SmtpServerDecoder.BadLine;
import io.github.pmtatracking.wrapper.SmtpServerDecoder.Line;
import io.github.pmtatracking.wrapper.SmtpServerDecoder.Message;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One client of the proxy and its upstream connection, in lockstep: each client command goes
 * upstream and the upstream's reply comes back, one at a time and in order (pipelined commands
 * wait their turn). The proxy answers only what it must: 354 to DATA (it reads the message, runs
 * the route, and starts the upstream's DATA only then), STARTTLS (in step with the upstream's),
 * and refusals: {@link SmtpCommandPolicy} decides which lines may go upstream at all. All state
 * lives here, on the client's event loop.
 */
final class ClientSession extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
    private static final Logger TRACE = LoggerFactory.getLogger("wrapper.trace");
    private static final AtomicLong SESSIONS = new AtomicLong();

    private final SmtpProxyConsumer consumer;
    private final SmtpProxyConfiguration config;
    private final SmtpServerDecoder decoder;
    private final String sessionId = Long.toString(SESSIONS.incrementAndGet(), 36);
    private final ArrayDeque<Object> inbox = new ArrayDeque<>();

    private ChannelHandlerContext ctx;
    private UpstreamClient upstream;
    private boolean busy = true; // until the upstream greeting is relayed
    private boolean closing;
    private boolean retiring;
    private boolean clientTls;
    private boolean authContinuation;
    private boolean upstreamOffersStartTls;
    private boolean authenticated;
    private EsmtpOffer offer; // what the client's last EHLO reply offered; null before HELO/EHLO succeeded
    private final SessionRefusals refusals;
    private String ehloLine;
    private String helo = "";
    private String mailFrom;
    private final List<String> recipients = new ArrayList<>();
    private int messages;

    ClientSession(SmtpProxyConsumer consumer, SmtpServerDecoder decoder) {
        this.consumer = consumer;
        this.config = consumer.configuration();
        this.decoder = decoder;
        this.refusals = new SessionRefusals(config.stats, config.maxRefusedCommands, sessionId);
    }

    // ------------------------------------------------------------------------------ lifecycle

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (!consumer.admit(this)) {
            reply(SmtpReply.of(421, "4.7.0 Too many connections, try again later"));
            close();
            return;
        }
        log("connection from {}", ctx.channel().remoteAddress());
        trace("---Connecting upstream");
        UpstreamClient.connect(ctx.channel().eventLoop(), config.upstreamHost, config.upstreamPort,
                config.connectTimeoutSeconds * 1000, config.replyTimeoutSeconds * 1000L)
                .whenComplete((c, err) -> onLoop(() -> {
                    if (err != null) {
                        LOG.warn("[{}] upstream {} unreachable: {}", sessionId, config.upstreamAddress(), cause(err).getMessage());
                        reply(SmtpReply.of(421, "4.4.1 Upstream server unavailable, try again later"));
                        close();
                        return;
                    }
                    upstream = c.client();
                    trace("\t<- Connection success " + upstream.address());
                    reply(c.greeting());
                    if (!c.greeting().positive()) {
                        close();
                        return;
                    }
                    done();
                }));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        consumer.release(this);
        if (upstream != null) {
            // a client gone mid-DATA: the upstream's DATA never started, so nothing is delivered
            upstream.quit();
        }
        log("connection closed");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inbox.add(msg);
        if (inbox.size() > 100) {
            ctx.channel().config().setAutoRead(false); // a client far ahead of the lockstep waits
        }
        drain();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            reply(SmtpReply.of(421, "4.4.2 Idle timeout, closing connection"));
            close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.info("[{}] client connection error: {}", sessionId, cause.toString());
        close();
    }

    // ------------------------------------------------------------------------------ dispatch

    private void drain() {
        while (!busy && !closing && !inbox.isEmpty()) {
            Object next = inbox.poll();
            busy = true;
            try {
                withMdc(() -> handle(next));
            } catch (RuntimeException e) {
                LOG.error("[{}] internal error", sessionId, e);
                reply(SmtpReply.of(421, "4.3.0 Internal error, closing connection"));
                close();
            }
        }
        if (inbox.isEmpty() && !closing) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** The current item is settled: take the next. */
    private void done() {
        busy = false;
        if (retiring && mailFrom == null && !closing) {
            sayGoodbye();
            return;
        }
        drain();
    }

    /**
     * The listener is going away (the route stops or reloads, or the service stops): the message in
     * hand is finished (relayed and answered), then the client gets 421 and reconnects, to the new
     * listener or to another instance. A session between messages is told at once.
     */
    void retire() {
        onLoop(() -> {
            retiring = true;
            if (!busy && mailFrom == null && !closing) {
                sayGoodbye();
            }
        });
    }

    private void sayGoodbye() {
        log("closing for a restart of the proxy");
        reply(SmtpReply.of(421, "4.3.2 Service restarting, try again"));
        close();
    }

    private void handle(Object item) {
        if (item instanceof Message m) {
            message(m);
            return;
        }
        if (item instanceof BadLine b) {
            debugDownstream("[command line refused unread: " + b.reason().label() + "]\r\n");
            Refuse r = SmtpCommandPolicy.refusal(b.reason());
            if (authContinuation) {
                cancelAuth(r, "-");
            } else {
                refuse(r, "-");
            }
            return;
        }
        Line l = (Line) item;
        String line = l.text();
        debugDownstream(line + "\r\n");
        if (authContinuation) {
            Refuse bad = SmtpCommandPolicy.checkSaslResponse(line, l.octets());
            if (bad != null) {
                cancelAuth(bad, "AUTH");
                return;
            }
            relay(line, "<credentials>", this::authReply);
            return;
        }
        Verdict v = SmtpCommandPolicy.check(line, l.octets(),
                new SmtpCommandPolicy.State(offer, mailFrom != null, !recipients.isEmpty(), authenticated));
        if (v instanceof Refuse r) {
            refuse(r, line);
            return;
        }
        if (v instanceof Answer a) {
            answer(a.reply());
            return;
        }
        Relay relay = (Relay) v;
        switch (relay.verb()) {
            case "EHLO", "HELO" -> hello(line, relay.verb().equals("EHLO"));
            case "STARTTLS" -> startTls();
            case "AUTH" -> secureUpstreamThen(() -> relay(line, mask(line), this::authReply));
            case "MAIL" -> secureUpstreamThen(() -> relay(line, line, r -> {
                if (r.positive()) {
                    mailFrom = relay.path();
                    recipients.clear();
                }
                reply(r);
            }));
            case "RCPT" -> relay(line, line, r -> {
                if (r.positive()) {
                    recipients.add(relay.path());
                }
                reply(r);
            });
            case "RSET" -> relay(line, line, r -> {
                resetTransaction();
                reply(r);
            });
            case "DATA" -> data();
            case "QUIT" -> relay(line, line, r -> {
                reply(r);
                close();
            });
            case "NOOP" -> relay(line, line, this::reply);
            default -> throw new IllegalStateException("no relay for " + relay.verb());
        }
    }

    private void authReply(SmtpReply r) {
        authContinuation = r.code() == 334;
        if (r.code() == 235) {
            authenticated = true;
        }
        reply(r);
    }

    /** The proxy refused the client's line itself; past the session's limit of refusals it closes with 421. */
    private void refuse(Refuse r, String line) {
        reply(r.reply());
        if (refusals.refused(r, line, clientIp())) {
            reply(SmtpReply.of(421, "4.7.0 Too many errors, closing connection"));
            close();
            return;
        }
        done();
    }

    /** A refused line inside AUTH: the upstream's AUTH is cancelled with "*" (RFC 4954 4), so both sides leave it. */
    private void cancelAuth(Refuse r, String shown) {
        trace((upstream.tls() ? "~> " : "-> ") + "*");
        upstream.send("*", replyTimeout()).whenComplete((cancelled, err) -> onLoop(() -> {
            if (err != null) {
                upstreamFailed(err);
                return;
            }
            traceReply(cancelled);
            authContinuation = false;
            refuse(r, shown);
        }));
    }

    /** Bytes sent ahead where nothing may follow (STARTTLS, DATA): refused, and the session ends. */
    private void refusePipelined(String after) {
        refusals.pipelined(after, clientIp());
        reply(SmtpReply.of(554, "5.5.0 Commands pipelined after " + after + " refused"));
        close();
    }

    // ------------------------------------------------------------------------------ commands

    private void hello(String line, boolean ehlo) {
        relay(line, line, r -> {
            if (!r.positive()) {
                answer(r); // RFC 5321 4.1.4: a refused EHLO leaves the session as it was
                return;
            }
            ehloLine = line;
            helo = line.substring(5).trim();
            resetTransaction();
            if (!ehlo) {
                offer = EsmtpOffer.NONE; // HELO: no extensions, and exactly one reply
                answer(r);
                return;
            }
            upstreamOffersStartTls = Capabilities.offersStartTls(r);
            if (upgradeUpstreamAlone()) {
                // no certificate of our own (or the client is on TLS already): upgrade the upstream
                // leg now, so the client sees its capabilities after TLS and credentials never go in clear
                upgradeUpstreamThen(this::replyEhlo);
                return;
            }
            replyEhlo(r);
        }, false);
    }

    private void replyEhlo(SmtpReply r) {
        boolean offerTls = config.offersStartTls() && !clientTls;
        SmtpReply shown = Capabilities.filter(r, offerTls, !(offerTls && config.tlsAuthOnly), clientTls && upstream.tls(),
                config.maxMessageSize);
        offer = EsmtpOffer.of(shown);
        reply(shown);
        done();
    }

    private boolean upgradeUpstreamAlone() {
        return upstreamOffersStartTls && !upstream.tls() && config.upstreamTls == SmtpProxyConfiguration.UpstreamTls.OPPORTUNISTIC
                && (!config.offersStartTls() || clientTls);
    }

    /** Before AUTH and MAIL: if the upstream offers TLS and its leg is still plain, upgrade it first. */
    private void secureUpstreamThen(Runnable next) {
        if (!upstreamOffersStartTls || upstream.tls() || config.upstreamTls != SmtpProxyConfiguration.UpstreamTls.OPPORTUNISTIC
                || ehloLine == null) {
            next.run();
            return;
        }
        upgradeUpstreamThen(r -> next.run());
    }

    /** STARTTLS upstream, then EHLO again there (RFC 3207), then the new EHLO reply to {@code then}. */
    private void upgradeUpstreamThen(java.util.function.Consumer<SmtpReply> then) {
        upgradeUpstream().thenCompose(v -> upstream.send(ehloLine, replyTimeout()))
                .whenComplete((r, err) -> onLoop(() -> {
                    if (err != null) {
                        upstreamFailed(err);
                        return;
                    }
                    traceReply(r);
                    then.accept(r);
                }));
    }

    private CompletableFuture<Void> upgradeUpstream() {
        trace("-> STARTTLS");
        return upstream.send("STARTTLS", replyTimeout()).thenCompose(r -> {
            traceReply(r);
            if (r.code() != 220) {
                throw new CompletionException(new java.io.IOException("upstream refused STARTTLS: " + r));
            }
            return upstream.startTls(config.upstreamTlsContext);
        });
    }

    private void startTls() {
        if (pipelinedInput()) {
            // RFC 3207: nothing may follow STARTTLS before the handshake (command injection)
            refusePipelined("STARTTLS");
            return;
        }
        CompletableFuture<Void> upstreamLeg = upstreamOffersStartTls && !upstream.tls()
                && config.upstreamTls == SmtpProxyConfiguration.UpstreamTls.OPPORTUNISTIC
                ? upgradeUpstream() : CompletableFuture.completedFuture(null);
        upstreamLeg.whenComplete((v, err) -> onLoop(() -> {
            if (err != null) {
                upstreamFailed(err);
                return;
            }
            if (pipelinedInput()) {
                // sent while the upstream leg was upgrading: it arrived in clear and would run as if over TLS
                refusePipelined("STARTTLS");
                return;
            }
            // startTls mode: the proxy's 220 goes out in clear, everything after it encrypted
            SslHandler first = new SslHandler(config.serverTls.newEngine(ctx.alloc()), true);
            ctx.pipeline().addFirst("tls", first);
            reply(SmtpReply.of(220, "2.0.0 Ready to start TLS"));
            first.handshakeFuture().addListener(f -> onLoop(() -> {
                if (!f.isSuccess()) {
                    LOG.info("[{}] client TLS handshake failed: {}", sessionId, f.cause().toString());
                    close();
                    return;
                }
                clientTls = true;
                ehloLine = null; // RFC 3207 4.2: the session starts again, nothing learnt before TLS is kept
                offer = null;
                authenticated = false;
                helo = "";
                resetTransaction();
                done();
            }));
        }));
    }

    private void data() {
        if (!inbox.isEmpty()) {
            refusePipelined("DATA");
            return;
        }
        decoder.startData();
        reply(SmtpReply.of(354, "End data with <CR><LF>.<CR><LF>"));
        done();
    }

    private void message(Message m) {
        if (m.oversize()) {
            debugDownstream("[message of " + m.size() + " bytes refused: over the size limit]\r\n.\r\n");
            upstream.send("RSET", replyTimeout());
            resetTransaction();
            config.stats.tooBig.increment();
            refuseMessage(SmtpReply.of(552, "5.3.4 Message size exceeds the limit of " + config.maxMessageSize + " bytes"));
            return;
        }
        debugDownstream(m.content());
        debugDownstream(".\r\n");
        messages++;
        String messageId = sessionId + "." + messages;
        Exchange exchange = consumer.createExchange(false);
        exchange.getMessage().setBody(m.content());
        exchange.getMessage().setHeader(SmtpProxyConstants.MAIL_FROM, mailFrom);
        exchange.getMessage().setHeader(SmtpProxyConstants.RECIPIENTS, List.copyOf(recipients));
        exchange.getMessage().setHeader(SmtpProxyConstants.CLIENT_ADDRESS, clientIp());
        exchange.getMessage().setHeader(SmtpProxyConstants.HELO, helo);
        exchange.getMessage().setHeader(SmtpProxyConstants.TLS, clientTls);
        exchange.getMessage().setHeader(SmtpProxyConstants.MESSAGE_ID, messageId);
        consumer.getAsyncProcessor().process(exchange, doneSync -> onLoop(() -> afterRoute(exchange, messageId)));
    }

    /** The proxy refuses the message itself: the envelope went upstream, so that transaction ends too. */
    private void refuseMessage(SmtpReply reply) {
        upstream.send("RSET", replyTimeout());
        resetTransaction();
        config.stats.finalReply(reply);
        answer(reply);
    }

    private void afterRoute(Exchange exchange, String messageId) {
        Exception failure = exchange.getException();
        byte[] out = failure == null ? exchange.getMessage().getBody(byte[].class) : null;
        consumer.releaseExchange(exchange, false);
        if (failure != null || out == null) {
            boolean permanent = failure instanceof MessageRejectedException;
            String why = failure == null ? "the route produced no message" : failure.getMessage();
            LOG.warn("[{}] message {} not relayed, route failed: {}", sessionId, messageId, why);
            config.stats.routeFailures.increment();
            refuseMessage(permanent ? SmtpReply.of(554, "5.6.0 Message refused: " + oneLine(why))
                    : SmtpReply.of(451, "4.3.0 Message not relayed, try again later"));
            return;
        }
        trace(upstream.tls() ? "~> DATA" : "-> DATA");
        upstream.send("DATA", replyTimeout()).thenCompose(r -> {
            traceReply(r);
            if (r.code() != 354) {
                return CompletableFuture.completedFuture(r);
            }
            if (config.upstreamDataDebug != null) {
                config.upstreamDataDebug.write(out);
            }
            return upstream.sendData(DotStuffing.toWire(out), config.dataTimeoutSeconds * 1000L);
        }).whenComplete((r, err) -> onLoop(() -> {
            if (err != null) {
                upstreamFailed(err);
                return;
            }
            traceReply(r);
            LOG.info("Message DATA upstream,{},{},{}", out.length, r.code(), r.text());
            config.stats.finalReply(r);
            resetTransaction();
            answer(r);
        }));
    }

    // ------------------------------------------------------------------------------ helpers

    /** Sends a client line upstream and hands the reply to {@code then} on the event loop, then takes the next item. */
    private void relay(String line, String shown, java.util.function.Consumer<SmtpReply> then) {
        relay(line, shown, then, true);
    }

    private void relay(String line, String shown, java.util.function.Consumer<SmtpReply> then, boolean settle) {
        trace((upstream.tls() ? "~> " : "-> ") + shown);
        upstream.send(line, replyTimeout()).whenComplete((r, err) -> onLoop(() -> {
            if (err != null) {
                upstreamFailed(err);
                return;
            }
            traceReply(r);
            then.accept(r);
            if (settle && !closing) {
                done();
            }
        }));
    }

    private void answer(SmtpReply r) {
        reply(r);
        done();
    }

    private void reply(SmtpReply r) {
        String wire = r.toWire();
        debugDownstream(wire);
        ctx.writeAndFlush(Unpooled.copiedBuffer(wire, StandardCharsets.UTF_8));
    }

    private void upstreamFailed(Throwable err) {
        LOG.warn("[{}] upstream {} failed: {}", sessionId, config.upstreamAddress(), cause(err).getMessage());
        reply(SmtpReply.of(421, "4.4.2 Upstream connection lost, try again later"));
        close();
    }

    private void close() {
        if (closing) {
            return;
        }
        closing = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        if (upstream != null) {
            upstream.quit();
        }
    }

    private void resetTransaction() {
        mailFrom = null;
        recipients.clear();
    }

    private long replyTimeout() {
        return config.replyTimeoutSeconds * 1000L;
    }

    private void onLoop(Runnable r) {
        if (ctx.executor().inEventLoop()) {
            withMdc(r);
        } else {
            ctx.executor().execute(() -> withMdc(r));
        }
    }

    private void withMdc(Runnable r) {
        MDC.put("session", sessionId);
        try {
            r.run();
        } finally {
            MDC.remove("session");
        }
    }

    private void trace(String line) {
        if (config.verbose) {
            TRACE.info("{}", line);
        }
    }

    private void traceReply(SmtpReply r) {
        if (config.verbose) {
            TRACE.info("\t{} {}", upstream.tls() ? "<~" : "<-", r);
        }
    }

    private void log(String format, Object arg) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("[" + sessionId + "] " + format, arg);
        }
    }

    private void log(String text) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("[{}] {}", sessionId, text);
        }
    }

    private void debugDownstream(String text) {
        if (config.downstreamDebug != null) {
            config.downstreamDebug.write(text);
        }
    }

    private void debugDownstream(byte[] bytes) {
        if (config.downstreamDebug != null) {
            config.downstreamDebug.write(bytes);
        }
    }

    private String clientIp() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
    }

    /** Lines or bytes received behind the current command and not yet taken. */
    private boolean pipelinedInput() {
        return !inbox.isEmpty() || decoder.pendingBytes() > 0;
    }

    private static String mask(String authLine) {
        String[] parts = authLine.split(" ");
        return parts.length > 2 ? parts[0] + " " + parts[1] + " <credentials>" : authLine;
    }

    private static String oneLine(String s) {
        String t = s == null ? "" : s.replaceAll("[\\r\\n]+", " ").trim();
        return t.length() > 200 ? t.substring(0, 200) : t;
    }

    private static Throwable cause(Throwable t) {
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
