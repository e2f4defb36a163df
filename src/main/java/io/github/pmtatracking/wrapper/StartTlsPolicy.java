package io.github.pmtatracking.wrapper;

import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.apache.camel.CamelContext;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * STARTTLS on both legs, decided and done here so that the SMTP handlers never touch TLS (as in
 * Apache James). The client leg: offered only with a certificate, refused when bytes were pipelined
 * behind it (command injection, RFC 3207 5), and then the session starts again. The upstream leg:
 * upgraded whenever the upstream offers STARTTLS, right after EHLO when the client cannot be offered
 * TLS (no certificate, or already on TLS), else in step with the client's STARTTLS, and in any case
 * before AUTH or MAIL, so credentials never cross to the upstream in clear. Upstream certificates are
 * verified, host name included, unless {@code insecureSkipVerify}.
 */
final class StartTlsPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(StartTlsPolicy.class);

    private final SSLContext server; // null: no certificate, STARTTLS not offered
    private final SSLContext upstream;
    private final boolean verifyUpstream;
    private final boolean upgradeUpstream;
    private final boolean tlsAuthOnly;

    private StartTlsPolicy(SSLContext server, SSLContext upstream, boolean verifyUpstream, boolean upgradeUpstream,
                           boolean tlsAuthOnly) {
        this.server = server;
        this.upstream = upstream;
        this.verifyUpstream = verifyUpstream;
        this.upgradeUpstream = upgradeUpstream;
        this.tlsAuthOnly = tlsAuthOnly;
    }

    /** Built when the endpoint starts: a bad certificate or key stops the route with the reason. */
    static StartTlsPolicy of(SmtpProxyConfiguration c, CamelContext camel) throws IOException, GeneralSecurityException {
        if (c.getCertFile().isEmpty() != c.getKeyFile().isEmpty()) {
            throw new IllegalArgumentException("smtp-proxy: certFile and keyFile go together (-certfile and -privkeyfile)");
        }
        SSLContextParameters serverParameters = c.getSslContextParameters();
        if (!c.getCertFile().isEmpty()) {
            serverParameters = PemKeyStore.serverParameters(Path.of(c.getCertFile()), Path.of(c.getKeyFile()));
            LOG.info("Gathered certificate {} and key {}", c.getCertFile(), c.getKeyFile());
        }
        SSLContext server = serverParameters == null ? null : serverParameters.createSSLContext(camel);
        SSLContext upstream;
        if (c.isInsecureSkipVerify()) {
            upstream = SSLContext.getInstance("TLS");
            upstream.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        } else if (c.getUpstreamSslContextParameters() != null) {
            upstream = c.getUpstreamSslContextParameters().createSSLContext(camel);
        } else {
            upstream = SSLContext.getDefault(); // the JVM's trust store (javax.net.ssl.trustStore)
        }
        return new StartTlsPolicy(server, upstream, !c.isInsecureSkipVerify(), c.isUpstreamStartTls(), c.isTlsAuthOnly());
    }

    boolean offersStartTls() {
        return server != null;
    }

    /** Whether the client's EHLO reply shows STARTTLS: a certificate, and the client not on TLS yet. */
    boolean offersStartTlsTo(SmtpSession s) {
        return server != null && !s.clientTls;
    }

    /** Whether it shows AUTH: not while STARTTLS is still to come and AUTH waits for it ({@code tlsAuthOnly}). */
    boolean offersAuthTo(SmtpSession s) {
        return !(offersStartTlsTo(s) && tlsAuthOnly);
    }

    /**
     * Whether an upstream leg on TLS may be handed to a new session, whose client starts in clear:
     * not when such a client may be shown AUTH before its own STARTTLS (a certificate, and
     * {@code tlsAuthOnly} off). There a fresh session sees the upstream's EHLO reply from before TLS
     * (an upstream that offers AUTH only over TLS shows none), and a kept TLS leg would show its
     * AUTH to the client in clear.
     */
    boolean handsOnTlsUpstream() {
        return server == null || tlsAuthOnly;
    }

    private boolean upgradesUpstream(SmtpSession s, UpstreamClient up) {
        return upgradeUpstream && s.upstreamOffersStartTls && !up.tls();
    }

    /** After EHLO: the upstream leg upgrades now, since the client will not STARTTLS through the proxy. */
    boolean upgradesUpstreamAlone(SmtpSession s, UpstreamClient up) {
        return upgradesUpstream(s, up) && !offersStartTlsTo(s);
    }

    /** Before AUTH and MAIL: if the upstream offers TLS and its leg is still plain, upgrade it first. */
    void secureUpstreamThen(ClientHandler h, Runnable next) {
        if (!upgradesUpstream(h.session(), h.upstream()) || h.session().ehloLine == null) {
            next.run();
            return;
        }
        upgradeUpstreamThen(h, r -> next.run());
    }

    /** STARTTLS upstream, then EHLO again there (RFC 3207 4.2), then the new EHLO reply to {@code then}. */
    void upgradeUpstreamThen(ClientHandler h, Consumer<SmtpReply> then) {
        UpstreamClient up = h.upstream();
        upgrade(h).thenCompose(v -> up.send(h.session().ehloLine, h.endpoint.getConfiguration().replyTimeoutMillis()))
                .whenComplete((r, err) -> h.onLoop(() -> {
                    if (err != null) {
                        h.upstreamFailed(err);
                        return;
                    }
                    h.trace.reply(up.tls(), r);
                    then.accept(r);
                }));
    }

    private CompletableFuture<Void> upgrade(ClientHandler h) {
        UpstreamClient up = h.upstream();
        h.trace.upstream(false, "STARTTLS");
        return up.send("STARTTLS", h.endpoint.getConfiguration().replyTimeoutMillis()).thenCompose(r -> {
            h.trace.reply(false, r);
            if (r.code() != 220) {
                throw new CompletionException(new IOException("upstream refused STARTTLS: " + r));
            }
            return up.startTls(upstreamHandler(up.host(), up.port()));
        });
    }

    /**
     * The client's STARTTLS: the upstream leg first (when it upgrades), then the proxy's 220 in clear
     * and the handshake; bytes that arrived behind STARTTLS meanwhile end the session instead.
     */
    void clientStartTls(ClientHandler h) {
        if (h.pipelinedInput()) {
            h.refusePipelined("STARTTLS"); // RFC 3207: nothing may follow STARTTLS before the handshake
            return;
        }
        CompletableFuture<Void> upstreamLeg = upgradesUpstream(h.session(), h.upstream())
                ? upgrade(h) : CompletableFuture.completedFuture(null);
        upstreamLeg.whenComplete((v, err) -> h.onLoop(() -> {
            if (err != null) {
                h.upstreamFailed(err);
                return;
            }
            if (h.pipelinedInput()) {
                // sent while the upstream leg was upgrading: it arrived in clear and would run as if over TLS
                h.refusePipelined("STARTTLS");
                return;
            }
            // startTls mode: the proxy's 220 goes out in clear, everything after it encrypted
            SslHandler first = serverHandler();
            h.ctx().pipeline().addFirst("tls", first);
            h.reply(SmtpReply.of(220, "2.0.0 Ready to start TLS"));
            first.handshakeFuture().addListener(f -> h.onLoop(() -> {
                if (!f.isSuccess()) {
                    LOG.info("[{}] client TLS handshake failed: {}", h.session().id, f.cause().toString());
                    h.close();
                    return;
                }
                h.session().restartOnTls();
                h.done();
            }));
        }));
    }

    private SslHandler serverHandler() {
        SSLEngine engine = server.createSSLEngine();
        engine.setUseClientMode(false);
        return new SslHandler(engine, true);
    }

    private SslHandler upstreamHandler(String host, int port) {
        SSLEngine engine = upstream.createSSLEngine(host, port); // the host name goes out as SNI
        engine.setUseClientMode(true);
        if (verifyUpstream) {
            SSLParameters p = engine.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the upstream host
            engine.setSSLParameters(p);
        }
        return new SslHandler(engine);
    }
}
