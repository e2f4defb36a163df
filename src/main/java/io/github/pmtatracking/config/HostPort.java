package io.github.pmtatracking.config;

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

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
