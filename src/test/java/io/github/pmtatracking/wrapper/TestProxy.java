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
        java.util.Map<String, String> o = new java.util.LinkedHashMap<>();
        o.put("upstream", "127.0.0.1:" + (up == null ? TestRedis.freePort() : up.port()));
        o.put("upstreamStartTls", "true");
        o.put("upstreamSslContextParameters", "#upstreamTrust");
        o.put("maxMessageSize", Long.toString(maxSize));
        o.put("idleTimeoutSeconds", "30");
        o.put("replyTimeoutSeconds", "10");
        o.put("dataTimeoutSeconds", "10");
        o.put("maxConnections", "500");
        o.put("maxRefusedCommands", "20");
        o.put("tlsAuthOnly", "true");
        o.put("drainTimeoutSeconds", "20");
        o.put("upstreamReuseSeconds", "5");
        if (withCertificate) {
            o.put("certFile", tls.certPem.toString());
            o.put("keyFile", tls.keyPem.toString());
        }
        for (String option : options) {
            o.put(option.substring(0, option.indexOf('=')), option.substring(option.indexOf('=') + 1));
        }
        StringBuilder uri = new StringBuilder("smtp-proxy:127.0.0.1:").append(port);
        o.forEach((k, v) -> uri.append(uri.indexOf("?") < 0 ? '?' : '&').append(k).append('=').append(v));
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
