package io.github.pmtatracking.feeder;

import io.github.pmtatracking.config.SettingFunction;
import io.github.pmtatracking.config.Settings;

/**
 * {@code {{ingest-url:feeder.sparkpost_host}}} in a route URI: the Ingest API's events URL made
 * from the host setting as the original read {@code SPARKPOST_HOST_INGEST} ({@link IngestApi}:
 * https:// added when no scheme is given, a trailing /api/v1 dropped), so the setting keeps the
 * original's form and the route names the endpoint.
 */
public final class IngestUrlFunction extends SettingFunction {

    @Override
    public String getName() {
        return "ingest-url";
    }

    @Override
    protected String apply(Settings settings, String key) {
        return IngestApi.eventsUrl(settings.optional(key).orElse(""));
    }
}
