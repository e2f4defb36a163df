package io.github.pmtatracking.config;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.spi.PropertiesFunction;

/**
 * {@code {{path:wrapper.outbox_dir}}} in a route URI: a path setting as {@link Settings#path} reads it,
 * absolute as given, relative to the home folder otherwise ({@code -Dpmta.home}, set by bin/), so a
 * relative default such as {@code data/outbox} lands in the same place whatever the working directory.
 * An empty setting stays empty.
 */
public final class PathFunction implements PropertiesFunction, CamelContextAware {

    private CamelContext camel;

    @Override
    public String getName() {
        return "path";
    }

    @Override
    public String apply(String key) {
        Settings settings = Settings.of(camel);
        return settings.text(key).isEmpty() ? "" : settings.path(key).toString();
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
