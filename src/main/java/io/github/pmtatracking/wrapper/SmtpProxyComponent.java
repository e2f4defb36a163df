package io.github.pmtatracking.wrapper;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/** {@code smtp-proxy:host:port?upstream=...}: an SMTP proxy whose messages pass through the route. */
@Component("smtp-proxy")
public final class SmtpProxyComponent extends DefaultComponent {

    @Metadata(label = "advanced", description = "The counters every endpoint of this component adds to (JMX, Prometheus)")
    private WrapperStats stats = new WrapperStats();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        SmtpProxyConfiguration configuration = new SmtpProxyConfiguration();
        configuration.setListen(remaining);
        SmtpProxyEndpoint endpoint = new SmtpProxyEndpoint(uri, this, configuration);
        setProperties(configuration, parameters); // no generated configurer: Camel binds the @UriParams by reflection
        setProperties(endpoint, parameters); // Camel's own consumer options; anything left over is refused as unknown
        return endpoint;
    }

    public WrapperStats getStats() {
        return stats;
    }

    /** The counters shared by this component's endpoints, so a reloaded route goes on counting in the same MXBean. */
    public void setStats(WrapperStats stats) {
        this.stats = stats;
    }
}
