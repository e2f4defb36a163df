package io.github.pmtatracking.wrapper;

import io.github.pmtatracking.testing.TestRedis;
import io.github.pmtatracking.testing.TestTls;
import io.github.pmtatracking.testing.UpstreamSmtp;
import io.netty.handler.ssl.SslContextBuilder;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The SMTP proxy component in a Camel context of its own, on a free port in front of a real
 * upstream, for the proxy's tests: every message goes through {@code step}. With a certificate it
 * offers STARTTLS; its upstream leg upgrades whenever the upstream offers it.
 */
final class TestProxy implements AutoCloseable {

    private final CamelContext camel;
    private final SmtpProxyConfiguration config;
    private final int port;

    private TestProxy(CamelContext camel, SmtpProxyConfiguration config, int port) {
        this.camel = camel;
        this.config = config;
        this.port = port;
    }

    /** {@code up} null: an upstream port where nothing listens. */
    static TestProxy start(TestTls tls, UpstreamSmtp up, boolean withCertificate, long maxSize, Processor step) throws Exception {
        int port = TestRedis.freePort();
        SmtpProxyConfiguration config = new SmtpProxyConfiguration()
                .listen("127.0.0.1", port)
                .upstream("127.0.0.1", up == null ? TestRedis.freePort() : up.port())
                .upstreamTls(SslContextBuilder.forClient().trustManager(tls.certPem.toFile())
                        .endpointIdentificationAlgorithm("HTTPS").build(), SmtpProxyConfiguration.UpstreamTls.OPPORTUNISTIC)
                .maxMessageSize(maxSize)
                .timeouts(30, 10, 10);
        if (withCertificate) {
            config.serverTls(SslContextBuilder.forServer(tls.certPem.toFile(), tls.keyPem.toFile()).build());
        }
        CamelContext camel = new DefaultCamelContext();
        camel.addComponent("smtp-proxy", new SmtpProxyComponent(config));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("smtp-proxy:test").process(step);
            }
        });
        camel.start();
        return new TestProxy(camel, config, port);
    }

    int port() {
        return port;
    }

    SmtpProxyConfiguration config() {
        return config;
    }

    @Override
    public void close() {
        camel.stop();
    }
}
