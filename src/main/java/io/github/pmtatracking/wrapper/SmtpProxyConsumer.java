package io.github.pmtatracking.wrapper;

import io.github.pmtatracking.config.HostPort;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the proxy's listener and unbinds it; each accepted client gets its own decoder and
 * {@link ClientHandler} (all per-connection work lives there). Unbinding stops new sessions and
 * lets open ones finish the message in hand.
 */
public final class SmtpProxyConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpProxyConsumer.class);

    private final SmtpProxyConfiguration configuration;
    private final WrapperStats stats;
    private final Set<ClientHandler> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private EventLoopGroup workers;
    private volatile ExecutorService largeMessages;
    private volatile UpstreamSessions upstreamSessions;
    private Channel listener;

    SmtpProxyConsumer(SmtpProxyEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.configuration = endpoint.getConfiguration();
        this.stats = endpoint.stats();
    }

    @Override
    public SmtpProxyEndpoint getEndpoint() {
        return (SmtpProxyEndpoint) super.getEndpoint();
    }

    /** Counts a new session; false when the limit is reached. */
    boolean admit(ClientHandler session) {
        sessions.add(session);
        if (stopping) {
            session.retire(); // accepted just before the listener closed: it gets its 421 too
        }
        stats.sessionsOpen.incrementAndGet(); // across consumers: a reload's old and new
        return configuration.getMaxConnections() <= 0 || sessions.size() <= configuration.getMaxConnections();
    }

    /** Upstream connections left open by ended sessions, for the next ones (upstreamReuseSeconds). */
    UpstreamSessions upstreamSessions() {
        return upstreamSessions;
    }

    void release(ClientHandler session) {
        sessions.remove(session);
        stats.sessionsOpen.decrementAndGet();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        stopping = false;
        // One event loop per core (wrapper.io_threads), the listener on one of them: Netty's default
        // of two per core and an accepting thread of its own cost the JVM 14-20% more CPU per message
        // with one connection per message on 2 cores (/proc CPU time per 20,000 messages from
        // smtp-source: 10.3-11.2 s against 8.6-9.6 s), more threads waking one another for each
        // connection. A large message's rewrite runs on a worker thread (largeMessageSize): on its
        // I/O thread, one 13 MB HTML message with 150,000 links held that thread for 10 s, and with
        // it every session it carries and every new client's greeting.
        workers = NettyTransport.group(configuration.ioThreadCount());
        upstreamSessions = new UpstreamSessions(TimeUnit.SECONDS.toMillis(configuration.getUpstreamReuseSeconds()), stats);
        if (configuration.getLargeMessageSize() > 0) {
            // at most two: a large message's parse holds about 20 times its HTML (a 2 MiB part, 40 MB),
            // outside the message memory, and one per core would pass the heap on a large machine
            largeMessages = getEndpoint().getCamelContext().getExecutorServiceManager()
                    .newFixedThreadPool(this, "wrapper-large-messages", Math.min(2, configuration.ioThreadCount()));
        }
        ServerBootstrap b = new ServerBootstrap()
                .group(workers, workers)
                .channel(NettyTransport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SmtpServerDecoder decoder = new SmtpServerDecoder(getEndpoint().maxMessageSize(), getEndpoint().memory());
                        if (configuration.getIdleTimeoutSeconds() > 0) {
                            ch.pipeline().addLast("idle", new IdleStateHandler(configuration.getIdleTimeoutSeconds(), 0, 0, TimeUnit.SECONDS));
                        }
                        ch.pipeline().addLast("decoder", decoder);
                        ch.pipeline().addLast("session", new ClientHandler(SmtpProxyConsumer.this, decoder));
                    }
                });
        HostPort listen = configuration.listenAddress();
        try {
            listener = b.bind(listen.host(), listen.port()).sync().channel();
        } catch (Exception e) {
            shutdownGroups();
            throw new IllegalStateException("wrapper cannot listen on " + listen + ": " + e.getMessage()
                    + (listen.port() < 1024 ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE;"
                    + " use -in_hostport localhost:5587)" : ""), e);
        }
        LOG.info("SMTP proxy listening on {}, relaying to {}{}", listen, getEndpoint().upstreamAddress(),
                getEndpoint().startTls().offersStartTls() ? " (STARTTLS offered)" : "");
    }

    /**
     * Unbinds, then lets each open session finish the message in hand before it says 421 and
     * closes (see {@link ClientHandler#retire}), for up to the drain timeout. Camel's route stop
     * and route reload both come here, so neither cuts a message short.
     */
    @Override
    protected void doStop() throws Exception {
        stopping = true;
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        try {
            if (!sessions.isEmpty()) {
                LOG.info("SMTP proxy stopping: {} open sessions finish their current message first", sessions.size());
                sessions.forEach(ClientHandler::retire);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(configuration.getDrainTimeoutSeconds());
                while (!sessions.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                if (!sessions.isEmpty()) {
                    LOG.warn("{} sessions still open after {} s: closing them (their clients keep their messages)",
                            sessions.size(), configuration.getDrainTimeoutSeconds());
                }
            }
        } finally {
            if (upstreamSessions != null) {
                upstreamSessions.closeAll();
            }
        }
        shutdownGroups();
        super.doStop();
    }

    /**
     * Where a message of {@code size} bytes runs the route: null for its session's I/O thread (no
     * hand-off), else the worker threads for large messages (null too once they are shut down).
     * What waits for them is bounded by the message memory: each holds its message's share.
     */
    ExecutorService routeThreadFor(long size) {
        long large = configuration.getLargeMessageSize();
        ExecutorService pool = largeMessages;
        return large > 0 && size >= large && pool != null && !pool.isShutdown() ? pool : null;
    }

    private void shutdownGroups() {
        if (largeMessages != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(largeMessages);
            largeMessages = null;
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
    }
}
