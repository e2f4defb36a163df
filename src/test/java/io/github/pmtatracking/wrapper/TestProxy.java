package io.github.pmtatracking.wrapper;

import io.github.pmtatracking.testing.TestRedis;
import io.github.pmtatracking.testing.TestTls;
import io.github.pmtatracking.testing.UpstreamSmtp;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * The SMTP proxy component in a Camel context of its own, on a free port in front of a real
 * upstream, for the proxy's tests: every message goes through {@code step}. Its options are set
 * through the endpoint URI, with the values config/application.properties gives the wrapper (and
 * shorter timeouts); {@code options} adds or overrides some ({@code "maxRefusedCommands=3"}). With
 * a certificate (PEM files, as -certfile and -privkeyfile) it offers STARTTLS; its upstream leg
 * upgrades whenever the upstream offers it, trusting the test certificate.
 */
final class TestProxy implements AutoCloseable {

    private final CamelContext camel;
    private final WrapperStats stats;
    private final int port;

    private TestProxy(CamelContext camel, WrapperStats stats, int port) {
        this.camel = camel;
        this.stats = stats;
        this.port = port;
    }

    /** {@code up} null: an upstream port where nothing listens. */
    static TestProxy start(TestTls tls, UpstreamSmtp up, boolean withCertificate, long maxSize, Processor step,
                           String... options) throws Exception {
        int port = TestRedis.freePort();
        StringBuilder uri = new StringBuilder("smtp-proxy:127.0.0.1:").append(port)
                .append("?upstream=127.0.0.1:").append(up == null ? TestRedis.freePort() : up.port())
                .append("&upstreamStartTls=true&upstreamSslContextParameters=#upstreamTrust")
                .append("&maxMessageSize=").append(maxSize)
                .append("&idleTimeoutSeconds=30&replyTimeoutSeconds=10&dataTimeoutSeconds=10")
                .append("&maxConnections=500&maxRefusedCommands=20&tlsAuthOnly=true&drainTimeoutSeconds=20");
        if (withCertificate) {
            uri.append("&certFile=").append(tls.certPem).append("&keyFile=").append(tls.keyPem);
        }
        for (String option : options) {
            uri.append('&').append(option);
        }
        CamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("upstreamTrust", trusting(tls));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri.toString()).process(step);
            }
        });
        camel.start();
        SmtpProxyComponent component = camel.getComponent("smtp-proxy", SmtpProxyComponent.class);
        return new TestProxy(camel, component.getStats(), port);
    }

    /** Camel's TLS settings that trust the test certificate (its trust store). */
    static SSLContextParameters trusting(TestTls tls) {
        KeyStoreParameters store = new KeyStoreParameters();
        store.setResource(tls.trustStore.toUri().toString());
        store.setPassword(TestTls.PASSWORD);
        store.setType("PKCS12");
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setKeyStore(store);
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setTrustManagers(trust);
        return parameters;
    }

    int port() {
        return port;
    }

    WrapperStats stats() {
        return stats;
    }

    @Override
    public void close() {
        camel.stop();
    }
}
