package io.github.pmtatracking.feeder;

import static io.github.pmtatracking.feeder.FeederRig.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.IngestStandIn;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the feeder does with each kind of answer from a hostile or broken Ingest API: a huge
 * Retry-After, silence. The feeder's own retry policy applies to every wait (retries capped at 2 s
 * here).
 */
class FeederAnswersTest {

    private FeederRig rig;

    @BeforeEach
    void start() throws Exception {
        rig = FeederRig.start();
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void everyRetryAfterIsCappedAndTheHttpClientNeverRetriesByItself() throws Exception {
        rig.api.answer(429, "Retry-After", "99999999999");
        rig.api.answer(503, "Retry-After",
                DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusYears(1)));
        rig.api.answer(503, "Retry-After", "1"); // an HTTP client that retries by itself would hide this one
        Set<String> ids = rig.queue(20, "retry-after-");
        AppProcess feeder = rig.feeder();
        rig.api.awaitAccepted(20, 60);
        assertEquals(ids, FeederRig.ids(rig.api.acceptedEvents()));
        assertEquals(4, rig.api.requests().size());
        String out = feeder.output();
        // every answer reached the feeder, and every wait was the feeder's own, at most 2 s
        assertEquals(List.of("429", "503", "503"), matches(out, "not delivered \\((\\d+)"));
        List<String> waits = matches(out, "retrying in ([0-9.]+) s");
        assertEquals(3, waits.size(), out);
        waits.forEach(w -> assertTrue(Double.parseDouble(w) <= 2.0, "waited " + w + " s"));
        rig.awaitEmpty();
    }

    @Test
    void anApiThatReadsTheBatchAndNeverAnswersTimesOutAndTheBatchIsSentAgain() throws Exception {
        IngestStandIn.Hold silence = rig.api.holdAnswers();
        Set<String> ids = rig.queue(10, "silent-");
        AppProcess feeder = rig.feeder(Map.of("FEEDER_HTTP_RESPONSE_TIMEOUT_SECONDS", "2"));
        await("two timed-out attempts", 40, () -> matches(feeder.output(), "not delivered \\((SocketTimeoutException)").size() >= 2);
        rig.api.stopHolding();
        silence.release();
        rig.api.awaitAccepted(10, 30);
        assertEquals(ids, FeederRig.ids(rig.api.acceptedEvents()));
        rig.awaitEmpty();
    }

    private static List<String> matches(String text, String regex) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
