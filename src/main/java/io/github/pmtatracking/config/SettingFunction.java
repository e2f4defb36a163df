package io.github.pmtatracking.config;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.spi.PropertiesFunction;

/**
 * A Camel properties function {@code {{<name>:<key>}}} whose value is made from one setting:
 * {@link #apply(Settings, String)} says how.
 */
public abstract class SettingFunction implements PropertiesFunction, CamelContextAware {

    private CamelContext camel;

    /** The value for the route URI, from the setting {@code key}. */
    protected abstract String apply(Settings settings, String key);

    @Override
    public final String apply(String key) {
        return apply(Settings.of(camel), key);
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
