package io.github.pmtatracking.wrapper;

import io.netty.handler.ssl.SslContext;

/** Everything the SMTP proxy needs to know; built once by the wrapper's wiring. */
public final class SmtpProxyConfiguration {

    /** Whether the upstream leg is upgraded with STARTTLS when the upstream offers it. */
    public enum UpstreamTls { OPPORTUNISTIC, OFF }

    String listenHost = "127.0.0.1";
    int listenPort = 587;
    String upstreamHost = "127.0.0.1";
    int upstreamPort = 25;
    SslContext serverTls;
    SslContext upstreamTlsContext;
    UpstreamTls upstreamTls = UpstreamTls.OPPORTUNISTIC;
    long maxMessageSize = 50L * 1024 * 1024;
    int idleTimeoutSeconds = 300;
    int replyTimeoutSeconds = 300;
    int dataTimeoutSeconds = 600;
    int connectTimeoutSeconds = 30;
    int maxConnections = 500;
    int drainTimeoutSeconds = 20;
    int maxRefusedCommands = 20;
    boolean tlsAuthOnly = true;
    boolean verbose;
    DebugFile downstreamDebug;
    DebugFile upstreamDataDebug;
    final WrapperStats stats = new WrapperStats();

    public SmtpProxyConfiguration listen(String host, int port) {
        this.listenHost = host;
        this.listenPort = port;
        return this;
    }

    public SmtpProxyConfiguration upstream(String host, int port) {
        this.upstreamHost = host;
        this.upstreamPort = port;
        return this;
    }

    /** The certificate offered to clients with STARTTLS; null offers none. */
    public SmtpProxyConfiguration serverTls(SslContext serverTls) {
        this.serverTls = serverTls;
        return this;
    }

    /** The client TLS context for the upstream leg (certificate checks on or off). */
    public SmtpProxyConfiguration upstreamTls(SslContext context, UpstreamTls policy) {
        this.upstreamTlsContext = context;
        this.upstreamTls = policy;
        return this;
    }

    /** Largest message accepted, in bytes; 0 for no limit. */
    public SmtpProxyConfiguration maxMessageSize(long bytes) {
        this.maxMessageSize = bytes;
        return this;
    }

    public SmtpProxyConfiguration timeouts(int idleSeconds, int replySeconds, int dataSeconds) {
        this.idleTimeoutSeconds = idleSeconds;
        this.replyTimeoutSeconds = replySeconds;
        this.dataTimeoutSeconds = dataSeconds;
        return this;
    }

    /** How long a stopping proxy lets open sessions finish the message in hand. */
    public SmtpProxyConfiguration drainTimeout(int seconds) {
        this.drainTimeoutSeconds = seconds;
        return this;
    }

    public SmtpProxyConfiguration maxConnections(int max) {
        this.maxConnections = max;
        return this;
    }

    /**
     * A session whose commands the proxy refused this many times gets 421 and is closed (RFC 5321
     * 7.8; as Postfix's {@code smtpd_hard_error_limit}); 0 never closes it.
     */
    public SmtpProxyConfiguration maxRefusedCommands(int max) {
        this.maxRefusedCommands = max;
        return this;
    }

    /**
     * With a certificate, whether AUTH is offered and accepted only after the client's STARTTLS
     * (as Postfix's {@code smtpd_tls_auth_only}), so credentials never cross the client leg in clear.
     */
    public SmtpProxyConfiguration tlsAuthOnly(boolean tlsAuthOnly) {
        this.tlsAuthOnly = tlsAuthOnly;
        return this;
    }

    public SmtpProxyConfiguration verbose(boolean verbose) {
        this.verbose = verbose;
        return this;
    }

    public SmtpProxyConfiguration debugFiles(DebugFile downstream, DebugFile upstreamData) {
        this.downstreamDebug = downstream;
        this.upstreamDataDebug = upstreamData;
        return this;
    }

    public String listenAddress() {
        return listenHost + ":" + listenPort;
    }

    public String upstreamAddress() {
        return upstreamHost + ":" + upstreamPort;
    }

    /** The proxy's counters (register them in JMX to see them in Hawtio). */
    public WrapperStats stats() {
        return stats;
    }

    public boolean offersStartTls() {
        return serverTls != null;
    }
}
