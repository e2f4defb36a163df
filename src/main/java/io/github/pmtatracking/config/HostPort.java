package io.github.pmtatracking.config;

import java.net.InetSocketAddress;

/**
 * A Go-style listen address: {@code :8888} (every interface), {@code localhost:587},
 * {@code [::1]:8888}.
 */
public record HostPort(String host, int port) {

    public static HostPort parse(String text, String flag) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(flag + " must be host:port or :port, not '" + text + "'");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " has no valid port: '" + text + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(flag + " port out of range: '" + text + "'");
        }
        return new HostPort(host.isEmpty() ? "0.0.0.0" : host, port);
    }

    /** Every address of the host ({@code :8888}, {@code 0.0.0.0}, {@code [::]}): a client on it connects to loopback. */
    public boolean anyAddress() {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    /** Where a client on this host connects to reach this address: loopback for every address. */
    public HostPort fromThisHost() {
        return anyAddress() ? new HostPort("127.0.0.1", port) : this;
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
