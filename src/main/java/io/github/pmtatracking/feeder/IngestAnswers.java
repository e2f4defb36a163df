package io.github.pmtatracking.feeder;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feeder route's reading of the destination's answer to a batch: which {@link IngestAnswer}
 * it is, logged as the original did (one line per upload), and "retry later" with the backoff
 * ({@link RetryBackoff}, a Retry-After honoured up to {@code feeder.retry_max_seconds}).
 *
 * <p>The Ingest API's receipt is its {@code results.id}: the ingest-api route reads it
 * ({@link #resultsId}) into the header {@code IngestResultsId}, and a 2xx without one is not a
 * delivery. A destination that sets no such header (a webhook) is delivered by any 2xx, and one
 * that gives no HTTP status at all (a file, a broker) by taking the batch.
 * A destination that takes lines rather than a gzipped body (kafka) has no {@code gzipped}.
 */
public final class IngestAnswers {

    private static final Logger LOG = LoggerFactory.getLogger(IngestAnswers.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RetryBackoff backoff;
    private final FeederStats stats;

    IngestAnswers(RetryBackoff backoff, FeederStats stats) {
        this.backoff = backoff;
        this.stats = stats;
    }

    /** The Ingest API's results.id in its answer; "" when there is none (the answer is not the API's JSON). */
    public String resultsId(String body) {
        if (body == null || body.isEmpty()) {
            return "";
        }
        try {
            return JSON.readTree(body).path("results").path("id").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * What the answer means for the batch (an {@link IngestAnswer} name), logged. {@code status}:
     * the HTTP status, null for a destination that answers none; {@code resultsId}: the Ingest
     * API's receipt, null for a destination that gives none; {@code gzipped}: the batch as sent.
     */
    public String of(IngestBatch batch, Integer status, String resultsId, String body, String location, byte[] gzipped) {
        int gzipBytes = gzipped == null ? 0 : gzipped.length;
        String upload = "Uploaded " + batch.getRawBytes() + " bytes raw, " + gzipBytes + " bytes gzipped. ";
        if (status == null) {
            if (gzipped == null) {
                LOG.info("Delivered {} events, {} bytes of NDJSON", batch.getEvents(), batch.getRawBytes());
            } else {
                LOG.info("Wrote {} events, {} bytes raw, {} bytes gzipped", batch.getEvents(), batch.getRawBytes(), gzipBytes);
            }
            return IngestAnswer.DELIVERED.name();
        }
        IngestAnswer answer = IngestAnswer.of(status, resultsId == null || !resultsId.isEmpty());
        switch (answer) {
            case DELIVERED -> LOG.info("{}{} response: {}{} ({} events)", upload, resultsId == null ? "Destination" : "SparkPost Ingest",
                    status, resultsId == null ? "" : ", results.id=" + resultsId, batch.getEvents());
            case MISCONFIGURED -> LOG.error("{}SparkPost Ingest response: {}: {}. The events are kept and sent again", upload, status,
                    IngestAnswer.hint(status, location));
            case TOO_LARGE -> {
                if (batch.getEvents() <= 1) {
                    LOG.error("{}SparkPost Ingest response: {}: one event alone is too large; moved to the dead-letter list",
                            upload, status);
                } else {
                    int[] halves = IngestBatches.halves(batch.getEvents());
                    LOG.warn("{}SparkPost Ingest response: {}: the batch of {} events is sent again in parts of {} and {}"
                            + " (a lower -batch_max_bytes avoids this)", upload, status, batch.getEvents(), halves[0], halves[1]);
                    stats.batchesRetried.increment();
                }
            }
            case INVALID -> LOG.error("{}SparkPost Ingest response: {}: {} events moved to the dead-letter list", upload, status,
                    batch.getEvents());
            case RETRY -> {
                // logged by retryLater, with the wait
            }
        }
        return answer.name();
    }

    /** The answer asks to try again (429, 503, a redirect, a refused key...): the batch stays in flight and waits. */
    public void retryLater(IngestBatch batch, Integer status, String body, String retryAfter) {
        int s = status == null ? 0 : status;
        String why = s >= 200 && s < 300 ? s + " without results.id" : s + " " + abbreviate(body);
        wait(batch, why, RetryAfter.millis(retryAfter, backoff.maxMillis(), System.currentTimeMillis()));
    }

    /** The destination failed (refused, reset, timed out...): it did not take the batch, which stays in flight and waits. */
    public void failed(IngestBatch batch, Exception cause) {
        wait(batch, cause == null ? "unknown error" : cause.getClass().getSimpleName() + ": " + cause.getMessage(), 0);
    }

    private void wait(IngestBatch batch, String why, long requestedMillis) {
        long wait = backoff.retryLater(requestedMillis);
        stats.batchesRetried.increment();
        LOG.warn("Batch of {} events not delivered ({}); kept in flight, retrying in {} s", batch.getEvents(), why, wait / 1000.0);
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() <= 200 ? one : one.substring(0, 200) + "...";
    }
}
