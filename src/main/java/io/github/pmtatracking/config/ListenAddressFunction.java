package io.github.pmtatracking.config;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.spi.PropertiesFunction;

/**
 * {@code {{listen:tracker.in_hostport}}} in a route URI: the Go-style listen address the setting
 * holds ({@code :8888}, {@code localhost:587}, {@code [::1]:25}) as {@code host:port}, every
 * interface written {@code 0.0.0.0}, so the original's flag values go into a Camel endpoint URI
 * unchanged. A bad value stops the route from starting with a message naming the flag.
 */
public final class ListenAddressFunction implements PropertiesFunction, CamelContextAware {

    private CamelContext camel;

    @Override
    public String getName() {
        return "listen";
    }

    @Override
    public String apply(String key) {
        String value = Settings.of(camel).text(key);
        String flag = "-" + key.substring(key.indexOf('.') + 1);
        HostPort hp = HostPort.parse(value, flag);
        return hp.toString();
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
