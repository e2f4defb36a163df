package io.github.pmtatracking.tracker;

import io.netty.channel.ChannelHandler;
import org.apache.camel.component.netty.DefaultChannelHandlerFactory;

/**
 * Makes one {@link HttpConnectionGuard} per connection; named in {@code tracker.yaml} as the
 * netty-http endpoint's {@code encoders}, which places it after Netty's request decoder and before
 * its response encoder, where it sees whole HTTP objects in both directions.
 */
public final class HttpConnectionGuards extends DefaultChannelHandlerFactory {

    private final TrackerStats stats;
    private final long headerTimeoutMillis;
    private final long keepAliveTimeoutMillis;

    public HttpConnectionGuards(TrackerStats stats, long headerTimeoutMillis, long keepAliveTimeoutMillis) {
        this.stats = stats;
        this.headerTimeoutMillis = headerTimeoutMillis;
        this.keepAliveTimeoutMillis = keepAliveTimeoutMillis;
    }

    @Override
    public ChannelHandler newChannelHandler() {
        return new HttpConnectionGuard(stats, headerTimeoutMillis, keepAliveTimeoutMillis);
    }
}
