package io.github.pmtatracking.tracker;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Requests sent to the tracker's own listener over a few keep-alive connections, each sending its
 * next request when the answer to the last one is read, until {@link #close()}. Netty's own HTTP
 * client on one I/O thread of the listener's transport: the codec classes it runs are largely the
 * listener's, so what it compiles is not wasted. (The JDK's HttpClient would bring a stack of its
 * own for the JIT to compile while the listener's waits.)
 */
final class WarmUpTraffic implements AutoCloseable {

    private final EventLoopGroup thread;
    private final IntFunction<FullHttpRequest> requests;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean closing;

    /** Opens {@code connections} connections to {@code listener} and starts sending {@code requests.apply(n)}, n = 0, 1, 2... */
    WarmUpTraffic(InetSocketAddress listener, boolean epoll, int connections, IntFunction<FullHttpRequest> requests) {
        this.requests = requests;
        DefaultThreadFactory threads = new DefaultThreadFactory("tracker-warm-up", true);
        thread = epoll ? new EpollEventLoopGroup(1, threads) : new NioEventLoopGroup(1, threads);
        Bootstrap bootstrap = new Bootstrap().group(thread)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new NextOnAnswer());
                    }
                });
        for (int i = 0; i < connections; i++) {
            bootstrap.connect(listener).addListener(f -> {
                if (!f.isSuccess()) {
                    failed.incrementAndGet();
                }
            });
        }
    }

    long answered() {
        return answered.get();
    }

    /** Connections that failed to open, or closed before the warm-up ended. */
    long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        closing = true;
        thread.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class NextOnAnswer extends SimpleChannelInboundHandler<HttpObject> {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            send(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject answer) {
            if (answer instanceof LastHttpContent) {
                answered.incrementAndGet();
                send(ctx);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!closing) {
                failed.incrementAndGet();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private void send(ChannelHandlerContext ctx) {
            if (closing) {
                ctx.close();
                return;
            }
            ctx.writeAndFlush(requests.apply(next.getAndIncrement() & Integer.MAX_VALUE));
        }
    }

    /** A GET or HEAD of {@code path} with these headers (name, value, name, value...). */
    static FullHttpRequest request(String method, String path, List<String> headers) {
        DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), path);
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            r.headers().add(headers.get(i), headers.get(i + 1));
        }
        return r;
    }
}
