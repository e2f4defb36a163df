package io.github.pmtatracking.feeder;

import static io.github.pmtatracking.feeder.IngestAnswer.DELIVERED;
import static io.github.pmtatracking.feeder.IngestAnswer.INVALID;
import static io.github.pmtatracking.feeder.IngestAnswer.MISCONFIGURED;
import static io.github.pmtatracking.feeder.IngestAnswer.RETRY;
import static io.github.pmtatracking.feeder.IngestAnswer.TOO_LARGE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's table of answers, status by status. */
class IngestAnswerTest {

    @Test
    void onlyAnAnswerAboutTheEventsDeadLettersThem() {
        Map<Integer, IngestAnswer> table = Map.ofEntries(
                Map.entry(400, INVALID), Map.entry(422, INVALID),
                Map.entry(413, TOO_LARGE),
                Map.entry(408, RETRY), Map.entry(425, RETRY), Map.entry(429, RETRY),
                Map.entry(500, RETRY), Map.entry(502, RETRY), Map.entry(503, RETRY), Map.entry(504, RETRY),
                Map.entry(301, MISCONFIGURED), Map.entry(302, MISCONFIGURED), Map.entry(307, MISCONFIGURED),
                Map.entry(308, MISCONFIGURED), Map.entry(401, MISCONFIGURED), Map.entry(403, MISCONFIGURED),
                Map.entry(404, MISCONFIGURED), Map.entry(405, MISCONFIGURED), Map.entry(409, MISCONFIGURED),
                Map.entry(415, MISCONFIGURED), Map.entry(100, MISCONFIGURED));
        table.forEach((status, answer) -> assertEquals(answer, IngestAnswer.of(status, false), "status " + status));
        assertEquals(DELIVERED, IngestAnswer.of(200, true));
        assertEquals(DELIVERED, IngestAnswer.of(202, true));
        assertEquals(RETRY, IngestAnswer.of(200, false), "a 2xx without a results id");
    }
}
