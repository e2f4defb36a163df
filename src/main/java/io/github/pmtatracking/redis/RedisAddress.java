package io.github.pmtatracking.redis;

import io.lettuce.core.RedisURI;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;

/**
 * The configured Redis ({@code redis.url}), as Lettuce reads it: one server,
 * {@code redis://[:password@]host[:port][/db]} ({@code rediss://} for TLS), or a master found
 * through Sentinel, {@code redis-sentinel://[:password@]host1:port1,host2:port2[/db]#master}
 * ({@code rediss-sentinel://} for TLS), whose password is the data nodes'.
 */
public final class RedisAddress {

    private final RedisURI uri;

    private RedisAddress(RedisURI uri) {
        this.uri = uri;
    }

    public static RedisAddress parse(String url) {
        RedisURI uri;
        try {
            uri = RedisURI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("redis.url is not a Redis URL (redis://host:port/db or"
                    + " redis-sentinel://host1:port1,host2:port2/db#master): " + url);
        }
        if (!uri.getSentinels().isEmpty() && (uri.getSentinelMasterId() == null || uri.getSentinelMasterId().isBlank())) {
            throw new IllegalArgumentException("redis.url names Sentinels but not the master: add #<master name> to " + url);
        }
        return new RedisAddress(uri);
    }

    /** A master found through Sentinel, which follows a failover by itself. */
    public boolean isSentinel() {
        return !uri.getSentinels().isEmpty();
    }

    public RedisURI uri() {
        return uri;
    }

    public String host() {
        return uri.getHost();
    }

    public int port() {
        return uri.getPort();
    }

    /** The URL without its password, for logs. */
    public String display() {
        if (isSentinel()) {
            StringBuilder s = new StringBuilder(uri.isSsl() ? "rediss-sentinel://" : "redis-sentinel://");
            for (RedisURI sentinel : uri.getSentinels()) {
                s.append(s.charAt(s.length() - 1) == '/' ? "" : ",").append(sentinel.getHost()).append(':').append(sentinel.getPort());
            }
            return s + "/" + uri.getDatabase() + "#" + uri.getSentinelMasterId();
        }
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
    }

    /** One server on this machine: what the quick start's embedded Redis may stand in for (never a Sentinel setup). */
    public boolean isLoopback() {
        if (isSentinel()) {
            return false;
        }
        try {
            return InetAddress.getByName(uri.getHost()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether something accepts TCP connections at the address (any of the Sentinels) within the timeout. */
    public boolean answers(int timeoutMillis) {
        if (isSentinel()) {
            return uri.getSentinels().stream().anyMatch(s -> answers(s.getHost(), s.getPort(), timeoutMillis));
        }
        return answers(uri.getHost(), uri.getPort(), timeoutMillis);
    }

    private static boolean answers(String host, int port, int timeoutMillis) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
