package io.github.pmtatracking.feeder;

import io.github.pmtatracking.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.spi.PropertiesFunction;

/**
 * {@code {{ingest-url:feeder.sparkpost_host}}} in a route URI: the Ingest API's events URL made
 * from the host setting as the original read {@code SPARKPOST_HOST_INGEST} ({@link IngestApi}:
 * https:// added when no scheme is given, a trailing /api/v1 dropped), so the setting keeps the
 * original's form and the route names the endpoint.
 */
public final class IngestUrlFunction implements PropertiesFunction, CamelContextAware {

    private CamelContext camel;

    @Override
    public String getName() {
        return "ingest-url";
    }

    @Override
    public String apply(String key) {
        return IngestApi.eventsUrl(Settings.of(camel).optional(key).orElse(""));
    }

    @Override
    public CamelContext getCamelContext() {
        return camel;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camel = camelContext;
    }
}
