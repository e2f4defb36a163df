package io.github.pmtatracking.feeder;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;

/**
 * The entries of the dead-letter list ({@code redis.dead_letter_key}):
 * {@code {"reason","status","feeder","time","entry"}}, {@code status} only for a batch the API
 * refused. Written with Jackson (what camel-jackson is built on): dead letters are rare, so no
 * hand-written JSON here.
 */
final class DeadLetters {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** In the order the original's readers expect. */
    private record DeadLetter(String reason, @JsonInclude(JsonInclude.Include.NON_DEFAULT) int status, String feeder,
                              String time, String entry) {
    }

    private final String feederId;

    DeadLetters(String feederId) {
        this.feederId = feederId;
    }

    /** The dead letter of a queue entry; status 0 when no answer refused it. */
    String of(String entry, String reason, int status) {
        try {
            return JSON.writeValueAsString(new DeadLetter(reason, status, feederId, Instant.now().toString(), entry));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
