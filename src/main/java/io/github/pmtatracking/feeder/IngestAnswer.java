package io.github.pmtatracking.feeder;

/**
 * What the feeder does with the Ingest API's answer to a batch; the README's table says the same.
 * Only an answer that says these events are bad dead-letters them: an answer about the request or
 * the setup (a redirect, a refused key, a wrong path) would otherwise dead-letter the whole stream
 * on one configuration mistake, so those keep the batch and say so loudly.
 */
enum IngestAnswer {

    /** 2xx with a results id: acknowledged, its events leave Redis. */
    DELIVERED,
    /** 2xx without a results id, 408, 425, 429, 5xx: passing trouble; kept and sent again after a backoff. */
    RETRY,
    /** 413: split in halves, each sent again; one event refused alone is dead-lettered alone. */
    TOO_LARGE,
    /** 400, 422: the API says these events are invalid; dead-lettered. */
    INVALID,
    /** Anything else (1xx, 3xx, 401, 403, 404, other 4xx): the setup is wrong, not the events; kept, sent again after a backoff, logged as an error. */
    MISCONFIGURED;

    static IngestAnswer of(int status, boolean hasResultsId) {
        if (status >= 200 && status < 300) {
            return hasResultsId ? DELIVERED : RETRY;
        }
        return switch (status) {
            case 408, 425, 429 -> RETRY;
            case 413 -> TOO_LARGE;
            case 400, 422 -> INVALID;
            default -> status >= 500 ? RETRY : MISCONFIGURED;
        };
    }

    /** What to check, for the log line of a MISCONFIGURED answer. */
    static String hint(int status, String location) {
        if (status >= 300 && status < 400) {
            return "a redirect" + (location == null || location.isBlank() ? "" : " to " + location)
                    + ", which the feeder does not follow with a POST: check SPARKPOST_HOST_INGEST (feeder.sparkpost_host)";
        }
        return switch (status) {
            case 401, 403 -> "the API key was refused: check SPARKPOST_API_KEY_INGEST (feeder.api_key) and its permissions";
            case 404, 405 -> "this is not the Ingest API's address: check SPARKPOST_HOST_INGEST (feeder.sparkpost_host)";
            default -> "an answer about the request or the setup, not about the events";
        };
    }
}
