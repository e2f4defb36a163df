package io.github.pmtatracking.wrapper;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/** {@code smtp-proxy:name}: an SMTP proxy whose messages pass through the route. */
public final class SmtpProxyComponent extends DefaultComponent {

    private final SmtpProxyConfiguration configuration;

    public SmtpProxyComponent(SmtpProxyConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        return new SmtpProxyEndpoint(uri, this, configuration);
    }
}
