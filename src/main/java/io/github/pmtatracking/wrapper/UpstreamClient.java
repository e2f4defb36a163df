package io.github.pmtatracking.wrapper;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.smtp.SmtpResponse;
import io.netty.handler.codec.smtp.SmtpResponseDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The proxy's connection to the upstream MTA: lines out, replies back in order (Netty's
 * client-side {@link SmtpResponseDecoder} assembles multi-line replies), each awaited with a
 * timeout. STARTTLS puts an {@link SslHandler} ({@link StartTlsPolicy}'s) first in the pipeline.
 */
final class UpstreamClient {

    private final Channel channel;
    private final String host;
    private final int port;
    private final ArrayDeque<CompletableFuture<SmtpReply>> waiting = new ArrayDeque<>();
    private final long connectedAt = System.nanoTime();
    private SmtpReply greeting;
    private volatile boolean tls;
    private volatile boolean quitSent;
    /**
     * Never handed to another session: a reply timed out, a write failed, a reply came that nothing
     * awaited, or the upstream refused something (an MTA counts errors per connection, as Postfix's
     * smtpd_hard_error_limit, and one client's would count against the next).
     */
    private volatile boolean spoilt;
    private volatile boolean upgrading;
    private volatile int messages;
    /** Commands sent since the last message (EHLO, NOOP, RSET...): MTAs count such per connection too. */
    private volatile int commandsSinceMessage;

    private UpstreamClient(Channel channel, String host, int port) {
        this.channel = channel;
        this.host = host;
        this.port = port;
    }

    /** Connects; the future completes with the client once the greeting arrived. */
    static CompletableFuture<UpstreamClient> connect(EventLoopGroup group, String host, int port, int connectTimeoutMillis,
                                               long replyTimeoutMillis) {
        CompletableFuture<UpstreamClient> result = new CompletableFuture<>();
        UpstreamClient[] holder = new UpstreamClient[1];
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NettyTransport.clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("replies", new SmtpResponseDecoder(16 * 1024));
                        ch.pipeline().addLast("handler", new SimpleChannelInboundHandler<SmtpResponse>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, SmtpResponse msg) {
                                holder[0].replied(SmtpReply.from(msg));
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                holder[0].failAll(() -> new java.io.IOException("upstream closed the connection"));
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                holder[0].failAll(() -> cause);
                                ctx.close();
                            }
                        });
                    }
                });
        ChannelFuture f = b.connect(host, port);
        holder[0] = new UpstreamClient(f.channel(), host, port);
        CompletableFuture<SmtpReply> greeting = holder[0].expect(replyTimeoutMillis);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                holder[0].failAll(done::cause);
            }
        });
        greeting.whenComplete((reply, err) -> {
            if (err != null) {
                result.completeExceptionally(err);
            } else {
                holder[0].greeting = reply;
                result.complete(holder[0]);
            }
        });
        return result;
    }

    /** What the upstream said when this connection opened; a reused connection greets each new client with it. */
    SmtpReply greeting() {
        return greeting;
    }

    /**
     * Whether a new client session may take this connection over: open, between transactions (no
     * reply awaited, no TLS handshake under way), never spoilt, no QUIT sent, younger than
     * {@code maxAgeNanos}, fewer than {@code maxMessages} messages sent on it, and at most
     * {@code maxCommandsWithoutMessage} commands but MAIL and RCPT since its last message.
     */
    boolean reusable(long maxAgeNanos, int maxMessages, int maxCommandsWithoutMessage) {
        boolean quiet;
        synchronized (waiting) {
            quiet = waiting.isEmpty();
        }
        return quiet && !spoilt && !upgrading && !quitSent && greeting != null && greeting.positive()
                && messages < maxMessages && commandsSinceMessage <= maxCommandsWithoutMessage
                && System.nanoTime() - connectedAt < maxAgeNanos && channel.isActive();
    }

    /** The I/O thread this connection lives on. */
    EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** Never to be handed to another session: this one failed on it, or a fault of ours cut it short. */
    void spoil() {
        spoilt = true;
    }

    /** Whether QUIT went upstream: the upstream closes after its 221. */
    boolean quitSent() {
        return quitSent;
    }

    /** Sends a line (CRLF added) and returns its reply. */
    CompletableFuture<SmtpReply> send(String line, long timeoutMillis) {
        if (line.equalsIgnoreCase("QUIT")) {
            quitSent = true;
        }
        if (!line.regionMatches(true, 0, "MAIL ", 0, 5) && !line.regionMatches(true, 0, "RCPT ", 0, 5)) {
            commandsSinceMessage++; // by one session at a time
        }
        CompletableFuture<SmtpReply> reply = expect(timeoutMillis);
        channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), line + "\r\n")).addListener(failWith(reply));
        return reply;
    }

    /** Sends the message bytes (already dot-stuffed and ended by the dot line) and returns the final reply. */
    CompletableFuture<SmtpReply> sendData(ByteBuf wire, long timeoutMillis) {
        messages++; // by one session at a time
        commandsSinceMessage = 0;
        CompletableFuture<SmtpReply> reply = expect(timeoutMillis);
        channel.writeAndFlush(wire).addListener(failWith(reply));
        return reply;
    }

    /** A write that fails (the upstream is gone) fails its reply at once instead of at the timeout. */
    private GenericFutureListener<Future<? super Void>> failWith(CompletableFuture<SmtpReply> reply) {
        return f -> {
            if (!f.isSuccess()) {
                spoilt = true;
                reply.completeExceptionally(f.cause());
            }
        };
    }

    /** Upgrades the connection after the upstream's 220 to STARTTLS: {@code tls} goes first in the pipeline. */
    CompletableFuture<Void> startTls(SslHandler tls) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        upgrading = true;
        channel.eventLoop().execute(() -> {
            channel.pipeline().addFirst("tls", tls);
            tls.handshakeFuture().addListener(f -> {
                if (f.isSuccess()) {
                    this.tls = true;
                    upgrading = false;
                    done.complete(null);
                } else {
                    spoilt = true;
                    done.completeExceptionally(f.cause());
                }
            });
        });
        return done;
    }

    boolean tls() {
        return tls;
    }

    String address() {
        return host + ":" + port;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /** Sends QUIT without waiting for much, then closes; after the client's own QUIT was relayed, only closes. */
    void quit() {
        if (quitSent) {
            channel.close();
        } else if (channel.isActive()) {
            send("QUIT", 5000).whenComplete((r, e) -> channel.close());
        }
    }

    /** The next reply, awaited for at most {@code timeoutMillis} (0: no limit), past which the connection closes. */
    private CompletableFuture<SmtpReply> expect(long timeoutMillis) {
        CompletableFuture<SmtpReply> reply = new CompletableFuture<>();
        synchronized (waiting) {
            waiting.add(reply);
        }
        if (timeoutMillis > 0) {
            ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> {
                if (reply.completeExceptionally(new TimeoutException("no reply from upstream within " + timeoutMillis + " ms"))) {
                    spoilt = true;
                    channel.close();
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
            reply.whenComplete((r, e) -> timer.cancel(false));
        }
        return reply;
    }

    private void replied(SmtpReply reply) {
        if (reply.code() >= 400) {
            spoilt = true;
        }
        CompletableFuture<SmtpReply> next;
        synchronized (waiting) {
            next = waiting.poll();
        }
        if (next != null) {
            next.complete(reply);
        } else {
            // unasked (a 421 before the upstream's idle close, say): the next reply would answer the wrong command
            spoilt = true;
            channel.close();
        }
    }

    /**
     * Fails every reply still awaited. The cause is made only when one is: a close after QUIT, the
     * end of every session, awaits none, and built an exception and its stack trace each time.
     */
    private void failAll(Supplier<Throwable> why) {
        Throwable cause = null;
        while (true) {
            CompletableFuture<SmtpReply> next;
            synchronized (waiting) {
                next = waiting.poll();
            }
            if (next == null) {
                return;
            }
            if (cause == null) {
                cause = why.get();
            }
            next.completeExceptionally(cause);
        }
    }
}
