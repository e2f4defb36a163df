package io.github.pmtatracking.feeder;

import static io.github.pmtatracking.feeder.FeederRig.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.IngestStandIn;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
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
 * Retry-After, silence, 413, redirects and refused keys. The feeder's own retry policy applies to
 * every wait (retries capped at 2 s here), and only the events' own faults dead-letter them.
 */
class FeederAnswersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FeederRig rig;

    @BeforeEach
    void start() throws Exception {
        rig = FeederRig.start();
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    /**
     * Every wait is the feeder's own and bounded: a Retry-After of 99999999999 s, an HTTP-date a
     * year ahead, one that the HTTP client itself would retry; then an API that reads the batch
     * and never answers.
     */
    @Test
    void noAnswerMakesTheFeederWaitLongerThanItsOwnLimits() throws Exception {
        rig.api.answer(429, "Retry-After", "99999999999");
        rig.api.answer(503, "Retry-After",
                DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusYears(1)));
        rig.api.answer(503, "Retry-After", "1"); // an HTTP client that retries by itself would hide this one
        Set<String> ids = rig.queue(20, "retry-after-");
        AppProcess feeder = rig.feeder(Map.of("FEEDER_HTTP_RESPONSE_TIMEOUT_SECONDS", "2"));
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

        // silence after the request: each try times out after the 2 s setting, and the batch goes again
        IngestStandIn.Hold silence = rig.api.holdAnswers();
        rig.queue(10, "silent-");
        await("two timed-out tries", 40, () -> matches(feeder.output(), "not delivered \\((SocketTimeoutException)").size() >= 2);
        assertEquals(10, rig.inflight(), "kept in flight");
        rig.api.stopHolding();
        silence.release();
        // the held answers went to tries the feeder had given up: only a later try empties the list
        await("sent again once the API answers", 30, () -> rig.inflight() == 0);
        rig.awaitEmpty();
    }

    /**
     * 413 splits the batch in halves until the parts are taken; one event still refused alone is
     * dead-lettered alone. Redirects, refused keys and a wrong path are not the events' fault: the
     * batch is kept and sent again.
     */
    @Test
    void aBatchRefusedAsTooLargeIsSplitAndAnswersThatAreNotTheEventsFaultKeepIt() throws Exception {
        rig.api.refuseLargerThan(10, 20_000);
        Set<String> good = new LinkedHashSet<>(rig.queue(20, "split-a-"));
        long now = System.currentTimeMillis() / 1000;
        String huge = FeederRig.event("c", "huge", "https://example.com/" + "x".repeat(25_000), "huge-1", now);
        rig.redis.commands().rpush("trk_queue", huge);
        good.addAll(rig.queue(19, "split-b-"));
        rig.api.answer(302, "Location", "https://elsewhere.example/api/v1/ingest/events");
        rig.api.answer(401);
        rig.api.answer(403);
        rig.api.answer(404);
        AppProcess feeder = rig.feeder();

        rig.api.awaitAcceptedIds(good, 90);
        await("the huge event dead-lettered", 30, () -> rig.redis.commands().llen("trk_deadletter") >= 1);
        rig.awaitEmpty();
        assertEquals(39, rig.api.acceptedEvents().size(), "each good event accepted once");
        for (IngestStandIn.Request r : rig.api.requests()) {
            if (r.status() / 100 == 2) {
                assertTrue(r.events().size() <= 10, "accepted a batch of " + r.events().size());
            }
        }
        List<String> dead = rig.redis.commands().lrange("trk_deadletter", 0, -1);
        assertEquals(1, dead.size(), dead.toString());
        JsonNode d = JSON.readTree(dead.get(0));
        assertEquals(413, d.get("status").asInt());
        assertEquals(huge, d.get("entry").asText());

        String out = feeder.output();
        for (String status : List.of("302", "401", "403", "404")) {
            assertTrue(out.contains("SparkPost Ingest response: " + status), "no error for " + status + ":\n" + out);
        }
        assertTrue(out.contains("https://elsewhere.example/"), "the redirect's Location is logged:\n" + out);
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
