package io.github.pmtatracking.feeder;

import io.github.pmtatracking.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.spi.PropertiesFunction;

/**
 * {@code {{path:feeder.outbox_dir}}} in a route URI: a path setting as {@link Settings#path} reads
 * it, absolute as given and otherwise under the home folder ({@code pmta.home}, where config/,
 * routes/ and data/ are), not under whatever folder the process was started from.
 */
public final class PathFunction implements PropertiesFunction, CamelContextAware {

    private CamelContext camel;

    @Override
    public String getName() {
        return "path";
    }

    @Override
    public String apply(String key) {
        return Settings.of(camel).path(key).toString();
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
