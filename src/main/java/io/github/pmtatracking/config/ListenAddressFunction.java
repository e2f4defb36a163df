package io.github.pmtatracking.config;

/**
 * {@code {{listen:tracker.in_hostport}}} in a route URI: the Go-style listen address the setting
 * holds ({@code :8888}, {@code localhost:587}, {@code [::1]:25}) as {@code host:port}, every
 * interface written {@code 0.0.0.0}, so the original's flag values go into a Camel endpoint URI
 * unchanged. A bad value stops the route from starting with a message naming the flag.
 */
public final class ListenAddressFunction extends SettingFunction {

    @Override
    public String getName() {
        return "listen";
    }

    @Override
    protected String apply(Settings settings, String key) {
        String flag = "-" + key.substring(key.indexOf('.') + 1);
        return HostPort.parse(settings.text(key), flag).toString();
    }
}
