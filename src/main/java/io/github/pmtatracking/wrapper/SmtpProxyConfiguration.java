package io.github.pmtatracking.wrapper;

import io.github.pmtatracking.config.HostPort;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * The options of an {@code smtp-proxy:} endpoint. Options that routes/wrapper.yaml carries from the
 * settings file have their default there (config/application.properties), so here they start at
 * "none" (0, false, empty); only options the route leaves out have a {@code defaultValue}.
 */
@UriParams
public final class SmtpProxyConfiguration {

    @UriPath(description = "Where clients connect: host:port ([::1]:587 for IPv6; 0.0.0.0 for every interface)")
    @Metadata(required = true)
    private String listen;
    @UriParam(label = "consumer", description = "The upstream MTA every session is relayed to, host:port;"
            + " empty: an outbox server on loopback that saves each message as an .eml file in outboxDir")
    private String upstream = "";
    @UriParam(label = "consumer", description = "Where the outbox (no upstream) saves messages")
    private String outboxDir = "";
    @UriParam(label = "security", description = "PEM certificate chain offered with STARTTLS (with keyFile)")
    private String certFile = "";
    @UriParam(label = "security", description = "PEM private key (PKCS#8) of certFile")
    private String keyFile = "";
    @UriParam(label = "security", description = "The server side of the client's STARTTLS, instead of certFile and keyFile")
    private SSLContextParameters sslContextParameters;
    @UriParam(label = "security", description = "With a certificate, AUTH only after the client's STARTTLS")
    private boolean tlsAuthOnly;
    @UriParam(label = "security", description = "Upgrade the upstream leg with STARTTLS when the upstream offers it")
    private boolean upstreamStartTls;
    @UriParam(label = "security", description = "The upstream leg's TLS (trust store, client certificate);"
            + " default: the JVM's trust store")
    private SSLContextParameters upstreamSslContextParameters;
    @UriParam(label = "security", description = "Accept an upstream certificate that does not verify")
    private boolean insecureSkipVerify;
    @UriParam(label = "limits", description = "Largest message accepted, in bytes, shown as SIZE; 0: no limit")
    private long maxMessageSize;
    @UriParam(label = "limits", description = "Bytes of messages held at once across sessions; past it a message"
            + " gets 452 4.3.1, and no message larger is taken (SIZE); 0: an eighth of the heap")
    private long messageMemory;
    @UriParam(label = "limits", description = "Client sessions open at once; 0: no limit")
    private int maxConnections;
    @UriParam(label = "limits", description = "Refused command lines after which a session gets 421; 0: never")
    private int maxRefusedCommands;
    @UriParam(label = "limits", description = "Recipients accepted per transaction; each further RCPT gets"
            + " 452 4.5.3 Too many recipients; 0: as many as the upstream takes")
    private int maxRecipients;
    @UriParam(label = "timeouts", description = "Seconds a client may stay silent; 0: no limit")
    private int idleTimeoutSeconds;
    @UriParam(label = "timeouts", description = "Seconds to wait for each upstream reply; 0: no limit")
    private int replyTimeoutSeconds;
    @UriParam(label = "timeouts", description = "Seconds to wait for the upstream's reply to the data; 0: no limit")
    private int dataTimeoutSeconds;
    @UriParam(label = "timeouts", defaultValue = "30", description = "Seconds to connect to the upstream")
    private int connectTimeoutSeconds = 30;
    @UriParam(label = "timeouts", description = "Seconds a stopping proxy lets open sessions finish their message")
    private int drainTimeoutSeconds;
    @UriParam(label = "consumer", description = "Seconds an upstream connection stays open after its client session"
            + " ended, for the next client to take over (as Postfix's connection cache); 0: one upstream connection per"
            + " client session, its QUIT relayed")
    private int upstreamReuseSeconds;
    @UriParam(label = "advanced", description = "I/O threads serving client and upstream connections; 0: one per CPU core")
    private int ioThreads;
    @UriParam(label = "advanced", description = "Messages of at least this many bytes run the route on a worker thread,"
            + " not on their session's I/O thread; 0: every message on its I/O thread")
    private long largeMessageSize;
    @UriParam(label = "logging", description = "Trace both sides of every conversation (logger wrapper.trace)")
    private boolean verbose;
    @UriParam(label = "logging", description = "File recording the whole client-side conversation, data included")
    private String downstreamDebug = "";
    @UriParam(label = "logging", description = "File recording the data sent upstream")
    private String upstreamDataDebug = "";

    public String getListen() {
        return listen;
    }

    /** Where clients connect, {@code host:port}; the endpoint's path. */
    public void setListen(String listen) {
        this.listen = listen;
    }

    /** The listen address, parsed; a bad one names the option. */
    HostPort listenAddress() {
        return HostPort.parse(listen, "smtp-proxy listen address");
    }

    public String getUpstream() {
        return upstream;
    }

    /** The upstream MTA, {@code host:port} ({@code :25} means this host); empty for the outbox. */
    public void setUpstream(String upstream) {
        this.upstream = upstream == null ? "" : upstream.trim();
    }

    public String getOutboxDir() {
        return outboxDir;
    }

    /** The folder the outbox saves messages in, when no upstream is set. */
    public void setOutboxDir(String outboxDir) {
        this.outboxDir = outboxDir == null ? "" : outboxDir.trim();
    }

    public String getCertFile() {
        return certFile;
    }

    /** The certificate chain (PEM) offered to clients with STARTTLS, as the original's {@code -certfile}. */
    public void setCertFile(String certFile) {
        this.certFile = certFile == null ? "" : certFile.trim();
    }

    public String getKeyFile() {
        return keyFile;
    }

    /** The private key (PEM, PKCS#8) of the certificate, as the original's {@code -privkeyfile}. */
    public void setKeyFile(String keyFile) {
        this.keyFile = keyFile == null ? "" : keyFile.trim();
    }

    public SSLContextParameters getSslContextParameters() {
        return sslContextParameters;
    }

    /** The server side of STARTTLS as Camel's TLS settings (a key store), instead of the PEM files. */
    public void setSslContextParameters(SSLContextParameters sslContextParameters) {
        this.sslContextParameters = sslContextParameters;
    }

    public boolean isTlsAuthOnly() {
        return tlsAuthOnly;
    }

    /**
     * With a certificate, whether AUTH is offered and accepted only after the client's STARTTLS
     * (as Postfix's {@code smtpd_tls_auth_only}), so credentials never cross the client leg in clear.
     */
    public void setTlsAuthOnly(boolean tlsAuthOnly) {
        this.tlsAuthOnly = tlsAuthOnly;
    }

    public boolean isUpstreamStartTls() {
        return upstreamStartTls;
    }

    /** Whether the upstream leg is upgraded with STARTTLS whenever the upstream offers it (before AUTH and MAIL). */
    public void setUpstreamStartTls(boolean upstreamStartTls) {
        this.upstreamStartTls = upstreamStartTls;
    }

    public SSLContextParameters getUpstreamSslContextParameters() {
        return upstreamSslContextParameters;
    }

    /** The upstream leg's TLS settings (whom to trust, a client certificate); without them the JVM's trust store. */
    public void setUpstreamSslContextParameters(SSLContextParameters upstreamSslContextParameters) {
        this.upstreamSslContextParameters = upstreamSslContextParameters;
    }

    public boolean isInsecureSkipVerify() {
        return insecureSkipVerify;
    }

    /** Accept any upstream certificate, host name unchecked (the original's {@code -insecure_skip_verify}). */
    public void setInsecureSkipVerify(boolean insecureSkipVerify) {
        this.insecureSkipVerify = insecureSkipVerify;
    }

    public long getMaxMessageSize() {
        return maxMessageSize;
    }

    /** The largest message accepted, in bytes (shown as SIZE, the smaller of it and the upstream's); 0 for no limit. */
    public void setMaxMessageSize(long maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public long getMessageMemory() {
        return messageMemory;
    }

    /**
     * The bytes of messages the proxy holds at once, across its sessions (a message is held from
     * its DATA to its final reply); past it a message is read to its end and refused with 452
     * 4.3.1, and no single message larger than it is taken (SIZE shows the smaller of it and
     * maxMessageSize). 0: an eighth of the heap the JVM may grow to.
     */
    public void setMessageMemory(long messageMemory) {
        this.messageMemory = messageMemory;
    }

    public int getMaxConnections() {
        return maxConnections;
    }

    /** Client sessions open at once; the next one gets 421 and is closed. 0 for no limit. */
    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    public int getMaxRefusedCommands() {
        return maxRefusedCommands;
    }

    /**
     * A session whose commands the proxy refused this many times gets 421 and is closed (RFC 5321
     * 7.8; as Postfix's {@code smtpd_hard_error_limit}); 0 never closes it.
     */
    public void setMaxRefusedCommands(int maxRefusedCommands) {
        this.maxRefusedCommands = maxRefusedCommands;
    }

    public int getMaxRecipients() {
        return maxRecipients;
    }

    /**
     * Recipients one transaction may have: once this many were accepted upstream, every further
     * RCPT is answered 452 4.5.3 Too many recipients without going upstream (RFC 5321 4.5.3.1.10),
     * and a standard client sends those recipients in a transaction of their own. 1 gives every
     * message upstream exactly one recipient (the wrapper's -multi_recipient split); 0 sets no limit.
     */
    public void setMaxRecipients(int maxRecipients) {
        if (maxRecipients < 0) {
            throw new IllegalArgumentException("maxRecipients is 0 (no limit) or more, not " + maxRecipients);
        }
        this.maxRecipients = maxRecipients;
    }

    public int getIdleTimeoutSeconds() {
        return idleTimeoutSeconds;
    }

    /** Seconds a client may send nothing before it gets 421 and is closed; 0 for no limit. */
    public void setIdleTimeoutSeconds(int idleTimeoutSeconds) {
        this.idleTimeoutSeconds = idleTimeoutSeconds;
    }

    public int getReplyTimeoutSeconds() {
        return replyTimeoutSeconds;
    }

    /** Seconds to wait for each upstream reply (the greeting included); past it the client gets 421. 0 for no limit. */
    public void setReplyTimeoutSeconds(int replyTimeoutSeconds) {
        this.replyTimeoutSeconds = replyTimeoutSeconds;
    }

    public int getDataTimeoutSeconds() {
        return dataTimeoutSeconds;
    }

    /** Seconds to wait for the upstream's final reply once the data is sent; 0 for no limit. */
    public void setDataTimeoutSeconds(int dataTimeoutSeconds) {
        this.dataTimeoutSeconds = dataTimeoutSeconds;
    }

    public int getConnectTimeoutSeconds() {
        return connectTimeoutSeconds;
    }

    /** Seconds to connect to the upstream; a client whose upstream cannot be reached gets 421. */
    public void setConnectTimeoutSeconds(int connectTimeoutSeconds) {
        this.connectTimeoutSeconds = connectTimeoutSeconds;
    }

    public int getDrainTimeoutSeconds() {
        return drainTimeoutSeconds;
    }

    /** How long a stopping or reloading proxy lets open sessions finish the message in hand before closing them. */
    public void setDrainTimeoutSeconds(int drainTimeoutSeconds) {
        this.drainTimeoutSeconds = drainTimeoutSeconds;
    }

    public int getUpstreamReuseSeconds() {
        return upstreamReuseSeconds;
    }

    /**
     * Seconds a clean upstream connection (between transactions, no AUTH relayed) waits for the next
     * client session after its own ended; 0: none is kept.
     */
    public void setUpstreamReuseSeconds(int upstreamReuseSeconds) {
        this.upstreamReuseSeconds = upstreamReuseSeconds;
    }

    public int getIoThreads() {
        return ioThreads;
    }

    /**
     * The I/O threads (Netty event loops) that accept clients and carry each session, its client
     * and its upstream connection on one thread; 0 for one per CPU core the JVM sees.
     */
    public void setIoThreads(int ioThreads) {
        this.ioThreads = ioThreads;
    }

    public long getLargeMessageSize() {
        return largeMessageSize;
    }

    /**
     * Messages of at least this many bytes run the route (the rewrite) on a worker thread, so that
     * one large message does not hold the other sessions its I/O thread carries, nor new clients'
     * greetings; smaller ones stay on the I/O thread, with no hand-off. 0: every message on its I/O thread.
     */
    public void setLargeMessageSize(long largeMessageSize) {
        this.largeMessageSize = largeMessageSize;
    }

    /** {@link #getIoThreads()}, with 0 read as the CPU cores the JVM sees (a container's limit included). */
    int ioThreadCount() {
        return ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
    }

    public boolean isVerbose() {
        return verbose;
    }

    /** Trace both sides of each conversation at INFO on logger {@code wrapper.trace} (AUTH credentials masked). */
    public void setVerbose(boolean verbose) {
        this.verbose = verbose;
    }

    public String getDownstreamDebug() {
        return downstreamDebug;
    }

    /** A file (created afresh when the process first opens it) recording the client-side conversation, data included. */
    public void setDownstreamDebug(String downstreamDebug) {
        this.downstreamDebug = downstreamDebug == null ? "" : downstreamDebug.trim();
    }

    public String getUpstreamDataDebug() {
        return upstreamDataDebug;
    }

    /** A file (created afresh when the process first opens it) recording each message as sent upstream. */
    public void setUpstreamDataDebug(String upstreamDataDebug) {
        this.upstreamDataDebug = upstreamDataDebug == null ? "" : upstreamDataDebug.trim();
    }

    long replyTimeoutMillis() {
        return replyTimeoutSeconds * 1000L;
    }

    long dataTimeoutMillis() {
        return dataTimeoutSeconds * 1000L;
    }
}
