package io.github.pmtatracking.wrapper;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Linux's native epoll transport when it loads (it ships with camel-netty), else NIO. The proxy is
 * two sockets and many small writes per message, and epoll spends fewer system calls on them.
 */
final class NettyTransport {

    static final boolean EPOLL = Epoll.isAvailable();

    private NettyTransport() {
    }

    /** {@code threads} event loops, named {@code wrapper-io-<pool>-<n>} in thread dumps and Hawtio. */
    static EventLoopGroup group(int threads) {
        DefaultThreadFactory names = new DefaultThreadFactory("wrapper-io");
        return EPOLL ? new EpollEventLoopGroup(threads, names) : new NioEventLoopGroup(threads, names);
    }

    static Class<? extends ServerSocketChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static Class<? extends SocketChannel> clientChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
