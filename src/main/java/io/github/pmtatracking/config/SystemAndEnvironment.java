package io.github.pmtatracking.config;

import org.apache.camel.Ordered;
import org.apache.camel.spi.PropertiesSource;

/**
 * JVM system properties ({@code -Da.x=...}) and environment variables ({@code A_X}) as one
 * properties source, consulted after the command line's flags and before the settings files.
 * Camel's own "override" mode for them would put them above the flags (it reads them before its
 * override properties), so {@link Settings#configure} turns that mode off and adds this instead.
 */
final class SystemAndEnvironment implements PropertiesSource, Ordered {

    @Override
    public String getName() {
        return "system-and-environment";
    }

    @Override
    public String getProperty(String name) {
        String v = System.getProperty(name);
        return v != null ? v : System.getenv(Settings.envName(name));
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST; // before the files' sources
    }
}
