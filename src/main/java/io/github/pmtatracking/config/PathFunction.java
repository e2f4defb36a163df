package io.github.pmtatracking.config;

/**
 * {@code {{path:wrapper.outbox_dir}}} in a route URI: a path setting as {@link Settings#path} reads it,
 * absolute as given, relative to the home folder otherwise ({@code -Dpmta.home}, set by bin/), so a
 * relative default such as {@code data/outbox} lands in the same place whatever the working directory.
 * An empty setting stays empty.
 */
public final class PathFunction extends SettingFunction {

    @Override
    public String getName() {
        return "path";
    }

    @Override
    protected String apply(Settings settings, String key) {
        return settings.text(key).isEmpty() ? "" : settings.path(key).toString();
    }
}
