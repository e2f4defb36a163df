package io.github.pmtatracking.feeder;

import java.util.Locale;

/**
 * Where the Ingest API is, from the original's variables: {@code SPARKPOST_HOST_INGEST} (default
 * api.sparkpost.com; https:// added when no scheme is given, an explicit http:// kept for a local
 * stand-in, a trailing /api/v1 removed) and {@code SPARKPOST_API_KEY_INGEST}.
 */
public final class IngestApi {

    private final String url;
    private final String apiKey;

    public IngestApi(String host, String apiKey) {
        this.url = eventsUrl(host);
        this.apiKey = apiKey == null ? "" : apiKey.trim();
    }

    /** The events endpoint of the Ingest API at this host. */
    static String eventsUrl(String host) {
        return baseUrl(host) + "/api/v1/ingest/events";
    }

    static String baseUrl(String host) {
        String h = host == null || host.isBlank() ? "api.sparkpost.com" : host.trim();
        String lower = h.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("https://") && !lower.startsWith("http://")) {
            h = "https://" + h;
        }
        while (h.endsWith("/")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.endsWith("/api/v1")) {
            h = h.substring(0, h.length() - "/api/v1".length());
        }
        while (h.endsWith("/")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    public String url() {
        return url;
    }

    public boolean hasKey() {
        return !apiKey.isEmpty();
    }

    /** The Authorization header value (the key itself, as SparkPost expects). */
    public String authorization() {
        return apiKey;
    }
}
