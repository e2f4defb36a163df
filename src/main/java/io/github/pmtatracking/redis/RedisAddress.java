package io.github.pmtatracking.redis;

import io.lettuce.core.RedisURI;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;

/**
 * The configured Redis ({@code redis.url}): {@code redis://[:password@]host[:port][/db]} or
 * {@code rediss://} for TLS, as Lettuce reads them.
 */
public final class RedisAddress {

    private final RedisURI uri;

    private RedisAddress(RedisURI uri) {
        this.uri = uri;
    }

    public static RedisAddress parse(String url) {
        try {
            return new RedisAddress(RedisURI.create(url));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("redis.url is not a Redis URL (redis://host:port/db): " + url);
        }
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
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
    }

    public boolean isLoopback() {
        try {
            return InetAddress.getByName(uri.getHost()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether something accepts TCP connections at the address within the timeout. */
    public boolean answers(int timeoutMillis) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), timeoutMillis);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
