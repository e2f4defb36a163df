package io.github.pmtatracking.redis;

import io.lettuce.core.RedisURI;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The configured Redis ({@code redis.url}), as Lettuce reads it: one server,
 * {@code redis://[:password@]host[:port][/db]} ({@code rediss://} for TLS), or a master found
 * through Sentinel, {@code redis-sentinel://[:password@]host1:port1,host2:port2[/db]#master}
 * ({@code rediss-sentinel://} for TLS), whose password is the data nodes'.
 */
public final class RedisAddress {

    private final RedisURI uri;
    /** Every node named: one, or a Redis Cluster's seed nodes ({@code redis://h1:p1,h2:p2}). */
    private final List<RedisURI> nodes;

    private RedisAddress(RedisURI uri, List<RedisURI> nodes) {
        this.uri = uri;
        this.nodes = nodes;
    }

    public static RedisAddress parse(String url) {
        RedisURI uri;
        List<RedisURI> nodes;
        try {
            nodes = seeds(url);
            uri = nodes.isEmpty() ? RedisURI.create(url) : nodes.get(0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("redis.url is not a Redis URL (redis://host:port/db or"
                    + " redis-sentinel://host1:port1,host2:port2/db#master): " + url);
        }
        if (!uri.getSentinels().isEmpty() && (uri.getSentinelMasterId() == null || uri.getSentinelMasterId().isBlank())) {
            throw new IllegalArgumentException("redis.url names Sentinels but not the master: add #<master name> to " + url);
        }
        return new RedisAddress(uri, nodes.isEmpty() ? List.of(uri) : nodes);
    }

    /**
     * {@code redis[s]://[userinfo@]h1:p1,h2:p2[/db]}: a Cluster's seed nodes, each a URI with the
     * same credentials and TLS (Lettuce reads several hosts only for Sentinel). Empty for any other URL.
     */
    private static List<RedisURI> seeds(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0 || url.startsWith("redis-sentinel") || url.startsWith("rediss-sentinel")) {
            return List.of();
        }
        String rest = url.substring(scheme + 3);
        int at = rest.lastIndexOf('@');
        String userinfo = at < 0 ? "" : rest.substring(0, at + 1);
        String hosts = at < 0 ? rest : rest.substring(at + 1);
        int slash = hosts.indexOf('/');
        String path = slash < 0 ? "" : hosts.substring(slash);
        hosts = slash < 0 ? hosts : hosts.substring(0, slash);
        if (!hosts.contains(",")) {
            return List.of();
        }
        List<RedisURI> out = new ArrayList<>();
        for (String h : hosts.split(",")) {
            out.add(RedisURI.create(url.substring(0, scheme + 3) + userinfo + h.trim() + path));
        }
        return List.copyOf(out);
    }

    /** The nodes named: a Cluster's seeds (redis.cluster), or the one server. */
    public List<RedisURI> nodes() {
        return nodes;
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
        if (nodes.size() > 1) {
            StringBuilder s = new StringBuilder(uri.isSsl() ? "rediss://" : "redis://");
            for (RedisURI n : nodes) {
                s.append(n == nodes.get(0) ? "" : ",").append(n.getHost()).append(':').append(n.getPort());
            }
            return s.toString();
        }
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
    }

    /** One server on this machine: what the quick start's embedded Redis may stand in for (never a Sentinel setup). */
    public boolean isLoopback() {
        if (isSentinel() || nodes.size() > 1) {
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
