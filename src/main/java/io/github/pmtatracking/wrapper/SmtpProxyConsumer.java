package io.github.pmtatracking.wrapper;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the proxy's listener; each accepted client gets its own {@link ClientSession} (all
 * per-connection work lives there). Unbinding stops new sessions; open ones end with their
 * connections.
 */
public final class SmtpProxyConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpProxyConsumer.class);

    private final SmtpProxyConfiguration configuration;
    private final AtomicInteger open = new AtomicInteger();
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel listener;

    SmtpProxyConsumer(SmtpProxyEndpoint endpoint, Processor processor, SmtpProxyConfiguration configuration) {
        super(endpoint, processor);
        this.configuration = configuration;
    }

    SmtpProxyConfiguration configuration() {
        return configuration;
    }

    /** Counts a new session; false when the limit is reached. */
    boolean admit() {
        configuration.stats.sessionsOpen.set(open.incrementAndGet());
        return open.get() <= configuration.maxConnections;
    }

    void release() {
        configuration.stats.sessionsOpen.set(open.decrementAndGet());
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        boss = NettyTransport.group(1);
        workers = NettyTransport.group(0);
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NettyTransport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SmtpServerDecoder decoder = new SmtpServerDecoder(configuration.maxMessageSize);
                        ch.pipeline().addLast("idle", new IdleStateHandler(configuration.idleTimeoutSeconds, 0, 0, TimeUnit.SECONDS));
                        ch.pipeline().addLast("decoder", decoder);
                        ch.pipeline().addLast("session", new ClientSession(SmtpProxyConsumer.this, decoder));
                    }
                });
        try {
            listener = b.bind(configuration.listenHost, configuration.listenPort).sync().channel();
        } catch (Exception e) {
            shutdownGroups();
            throw new IllegalStateException("wrapper cannot listen on " + configuration.listenAddress() + ": " + e.getMessage()
                    + (configuration.listenPort < 1024 ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE;"
                    + " use -in_hostport localhost:5587)" : ""), e);
        }
        LOG.info("SMTP proxy listening on {}, relaying to {}{}", configuration.listenAddress(), configuration.upstreamAddress(),
                configuration.offersStartTls() ? " (STARTTLS offered)" : "");
    }

    @Override
    protected void doStop() throws Exception {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        shutdownGroups();
        super.doStop();
    }

    private void shutdownGroups() {
        if (boss != null) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        if (workers != null) {
            // open sessions get a moment to finish the message in hand
            workers.shutdownGracefully(1, 15, TimeUnit.SECONDS);
        }
    }
}
