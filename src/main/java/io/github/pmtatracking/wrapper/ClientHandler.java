package io.github.pmtatracking.wrapper;

import io.github.pmtatracking.wrapper.SmtpCommandPolicy.Refuse;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One client connection and its upstream connection, in lockstep: each client command goes
 * upstream and the upstream's reply comes back, one at a time and in order (pipelined commands wait
 * their turn in the inbox). This handler is the transport: it hands the decoder's items one by one
 * to {@link SmtpCommands} and takes the next only once the last is settled; replies, refusals,
 * closing and the event loop are here. State is in {@link SmtpSession}.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ClientHandler.class);
    /**
     * The first lines a session can relay (every other verb needs its EHLO first): none depends on
     * the upstream session, so one lost with a kept connection may go again on a new connection.
     */
    private static final Set<String> SESSION_FREE_VERBS = Set.of("EHLO", "HELO", "NOOP", "RSET");
    /** Items a client may be ahead of the lockstep before its socket stops being read. */
    private static final int INBOX_LIMIT = 100;

    final SmtpProxyEndpoint endpoint;
    final SmtpServerDecoder decoder;
    final SessionTrace trace;
    private final SmtpProxyConsumer consumer;
    private final ArrayDeque<Object> inbox = new ArrayDeque<>();
    private SmtpSession session;
    private ChannelHandlerContext ctx;
    private UpstreamClient upstream;
    private boolean busy = true; // until the upstream greeting is relayed
    private boolean closing;
    private boolean retiring;
    /** The upstream connection came from an earlier session and has not answered this one yet. */
    private boolean upstreamUnproven;
    private boolean upstreamReleased;

    ClientHandler(SmtpProxyConsumer consumer, SmtpServerDecoder decoder) {
        this.consumer = consumer;
        this.endpoint = consumer.getEndpoint();
        this.decoder = decoder;
        this.trace = endpoint.trace();
    }

    SmtpSession session() {
        return session;
    }

    UpstreamClient upstream() {
        return upstream;
    }

    ChannelHandlerContext ctx() {
        return ctx;
    }

    SmtpProxyConsumer consumer() {
        return consumer;
    }

    // ------------------------------------------------------------------------------ lifecycle

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        SmtpProxyConfiguration config = endpoint.getConfiguration();
        this.session = new SmtpSession(endpoint.stats(), config.getMaxRefusedCommands(), config.getMaxRecipients(), clientIp(ctx));
        if (!consumer.admit(this)) {
            reply(SmtpReply.of(421, "4.7.0 Too many connections, try again later"));
            close();
            return;
        }
        LOG.debug("[{}] connection from {}", session.id, ctx.channel().remoteAddress());
        UpstreamClient kept = retiring ? null : consumer.upstreamSessions().take(ctx.channel().eventLoop());
        if (kept != null) {
            upstream = kept;
            upstreamUnproven = true;
            trace.event("---Reusing upstream connection " + upstream.address());
            reply(upstream.greeting());
            done();
            return;
        }
        trace.event("---Connecting upstream");
        connectUpstream(greeting -> {
            reply(greeting);
            if (!greeting.positive()) {
                close();
                return;
            }
            done();
        });
    }

    /** A new upstream connection; its greeting to {@code then} on the event loop, or 421 and the end of the session. */
    private void connectUpstream(Consumer<SmtpReply> then) {
        SmtpProxyConfiguration config = endpoint.getConfiguration();
        endpoint.stats().upstreamConnects.increment();
        UpstreamClient.connect(ctx.channel().eventLoop(), endpoint.upstreamHost(), endpoint.upstreamPort(),
                config.getConnectTimeoutSeconds() * 1000, config.replyTimeoutMillis())
                .whenComplete((c, err) -> onLoop(() -> {
                    if (err == null && (closing || upstreamReleased || !ctx.channel().isActive())) {
                        c.quit(); // the client left while this connection was opening
                        return;
                    }
                    if (err != null) {
                        LOG.warn("[{}] upstream {} unreachable: {}", session.id, endpoint.upstreamAddress(), cause(err).getMessage());
                        reply(SmtpReply.of(421, "4.4.1 Upstream server unavailable, try again later"));
                        close();
                        return;
                    }
                    upstream = c;
                    trace.event("\t<- Connection success " + upstream.address());
                    then.accept(c.greeting());
                }));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        consumer.release(this);
        releaseUpstream(); // a client gone mid-DATA: the upstream's DATA never started, so nothing is delivered
        LOG.debug("[{}] connection closed", session.id);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inbox.add(msg);
        if (inbox.size() > INBOX_LIMIT) {
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
        LOG.info("[{}] client connection error: {}", session.id, cause.toString());
        close();
    }

    /**
     * The listener is going away (the route stops or reloads, or the service stops): the message in
     * hand is finished (relayed and answered), then the client gets 421 and reconnects, to the new
     * listener or to another instance. A session between messages is told at once.
     */
    void retire() {
        onLoop(() -> {
            retiring = true;
            if (!busy && !session.inTransaction() && !closing) {
                sayGoodbye();
            }
        });
    }

    // ------------------------------------------------------------------------------ dispatch

    private void drain() {
        while (!busy && !closing && !inbox.isEmpty()) {
            Object next = inbox.poll();
            busy = true;
            try {
                withMdc(() -> SmtpCommands.take(this, next));
            } catch (RuntimeException e) {
                // a fault of ours, never thrown into the I/O thread: reported as Camel consumers report
                consumer.getExceptionHandler().handleException("smtp-proxy session " + session.id + ": internal error", e);
                if (upstream != null) {
                    upstream.spoil(); // cut short in a state nobody knows
                }
                reply(SmtpReply.of(421, "4.3.0 Internal error, closing connection"));
                close();
            }
        }
        if (inbox.isEmpty() && !closing) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** The current item is settled: take the next. */
    void done() {
        busy = false;
        if (retiring && !session.inTransaction() && !closing) {
            sayGoodbye();
            return;
        }
        drain();
    }

    private void sayGoodbye() {
        LOG.debug("[{}] closing for a restart of the proxy", session.id);
        reply(SmtpReply.of(421, "4.3.2 Service restarting, try again"));
        close();
    }

    /** The proxy refused the client's line itself; past the session's limit of refusals it closes with 421. */
    void refuse(Refuse r, String line) {
        reply(r.reply());
        if (session.refusals.refused(r, line, session.clientIp)) {
            reply(SmtpReply.of(421, "4.7.0 Too many errors, closing connection"));
            close();
            return;
        }
        done();
    }

    /** Bytes sent ahead where nothing may follow (STARTTLS, DATA): refused, and the session ends. */
    void refusePipelined(String after) {
        session.refusals.pipelined(after, session.clientIp);
        reply(SmtpReply.of(554, "5.5.0 Commands pipelined after " + after + " refused"));
        close();
    }

    /** Lines or bytes received behind the current command and not yet taken. */
    boolean pipelinedInput() {
        return !inbox.isEmpty() || decoder.pendingBytes() > 0;
    }

    // ------------------------------------------------------------------------------ replies

    /** Sends a client line upstream and hands the reply to {@code then} on the event loop, then takes the next item. */
    void relay(String line, String shown, Consumer<SmtpReply> then) {
        relay(line, shown, then, true);
    }

    /** As {@link #relay(String, String, Consumer)}; with {@code settle} false, {@code then} settles the item itself. */
    void relay(String line, String shown, Consumer<SmtpReply> then, boolean settle) {
        trace.upstream(upstream.tls(), shown);
        UpstreamClient to = upstream;
        to.send(line, endpoint.getConfiguration().replyTimeoutMillis()).whenComplete((r, err) -> onLoop(() -> {
            if (upstreamUnproven && ctx.channel().isActive() && SESSION_FREE_VERBS.contains(verb(line))
                    && (err != null ? !(cause(err) instanceof TimeoutException) : r.code() == 421)) {
                // the kept connection was closed under us, or is closing (421: the upstream's idle or
                // per-connection limit, a restart): its session held nothing, so the line goes again on
                // a new connection, whose greeting the client already had in kind
                upstreamUnproven = false;
                LOG.debug("[{}] kept upstream connection gone ({}); connecting anew", session.id,
                        err != null ? cause(err).getMessage() : r);
                if (r != null) {
                    trace.reply(to.tls(), r);
                }
                to.quit();
                trace.event("---Connecting upstream");
                connectUpstream(greeting -> {
                    if (!greeting.positive()) {
                        reply(greeting);
                        close();
                        return;
                    }
                    relay(line, shown, then, settle);
                });
                return;
            }
            upstreamUnproven = false;
            if (err != null) {
                upstreamFailed(err);
                return;
            }
            trace.reply(upstream.tls(), r);
            then.accept(r);
            if (settle && !closing) {
                done();
            }
        }));
    }

    /** Replies and takes the next item. */
    void answer(SmtpReply r) {
        reply(r);
        done();
    }

    void reply(SmtpReply r) {
        String wire = r.toWire();
        trace.downstream(wire);
        ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), wire)); // the channel's pooled buffers
    }

    void upstreamFailed(Throwable err) {
        if (!ctx.channel().isActive() && upstream.quitSent()) {
            // the client left first (QUIT and gone, without waiting for the 221): closing the
            // upstream cut its pending reply short, which is no upstream failure
            LOG.debug("[{}] client gone; upstream reply cut short: {}", session.id, cause(err).getMessage());
            close();
            return;
        }
        upstream.spoil();
        LOG.warn("[{}] upstream {} failed: {}", session.id, endpoint.upstreamAddress(), cause(err).getMessage());
        reply(SmtpReply.of(421, "4.4.2 Upstream connection lost, try again later"));
        close();
    }

    void close() {
        if (closing) {
            return;
        }
        closing = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        releaseUpstream();
    }

    /**
     * Whether the upstream connection outlives this session: kept connections enabled, and the
     * session ends between transactions, nothing awaited, and no AUTH ever relayed (the upstream
     * session would carry this client's identity into the next).
     */
    boolean keepsUpstream() {
        return upstream != null && consumer.upstreamSessions().enabled() && !retiring && !session.inTransaction()
                && !session.upstreamAuth && UpstreamSessions.fit(upstream)
                && (!upstream.tls() || endpoint.startTls().handsOnTlsUpstream());
    }

    /** Whether the upstream connection is a kept one that has not answered this session yet (its QUIT needs no upstream). */
    boolean upstreamUnproven() {
        return upstreamUnproven;
    }

    private static String verb(String line) {
        int space = line.indexOf(' ');
        return (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    }

    /** The session's end: its upstream connection is kept for the next session, or says QUIT. */
    private void releaseUpstream() {
        if (upstream == null || upstreamReleased) {
            return;
        }
        upstreamReleased = true;
        if (!(keepsUpstream() && consumer.upstreamSessions().park(upstream))) {
            upstream.quit();
        }
    }

    /** Runs on the client's event loop: at once when already there (no hand-off), else queued to it. */
    void onLoop(Runnable r) {
        if (ctx.executor().inEventLoop()) {
            withMdc(r);
        } else {
            ctx.executor().execute(() -> withMdc(r));
        }
    }

    private void withMdc(Runnable r) {
        MDC.put("session", session.id);
        try {
            r.run();
        } finally {
            MDC.remove("session");
        }
    }

    private static String clientIp(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
    }

    static Throwable cause(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
