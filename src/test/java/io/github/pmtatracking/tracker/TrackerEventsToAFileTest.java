package io.github.pmtatracking.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.pmtatracking.link.TrackingLink;
import io.github.pmtatracking.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's worked edit "copy every tracker event to a file or a broker": a `to` added to
 * routes/tracker.yaml's tracker-events route. Every event is then a line of the file and, as
 * before, an entry of trk_queue.
 */
class TrackerEventsToAFileTest extends TrackerRoutesTestSupport {

    /** The edit, as the README shows it: the step goes first in tracker-events' steps. */
    static final String EDIT = """
                    # every event also as one line of data/events/events.ndjson
                    - to:
                        uri: file:data/events
                        parameters:
                          fileName: events.ndjson
                          fileExist: Append
                          appendChars: '\\n'
            """;

    static Path home;

    @BeforeAll
    static void editedRoutes() throws Exception {
        useRedis(TestRedis.start());
        home = Files.createTempDirectory("tracker-edit");
        String routes = Files.readString(Path.of("routes/tracker.yaml"));
        String anchor = "        - aggregate:\n";
        assertEquals(1, routes.split(anchor, -1).length - 1, "one aggregate step in tracker.yaml");
        String edited = routes.replace(anchor, EDIT.replace("data/events", home.resolve("events").toString()) + anchor);
        Files.writeString(home.resolve("tracker.yaml"), edited);
    }

    @Override
    protected String routeFiles() {
        return "file:" + home.resolve("tracker.yaml");
    }

    @Test
    void everyEventIsALineOfTheFileAndStillAnEntryOfTrkQueue() throws Exception {
        assertEquals(200, get(TrackerTest.path(TrackingLink.open("m-open", "bob@example.com"))).statusCode());
        assertEquals(302, get(TrackerTest.path(TrackingLink.click("https://example.com/", "m-click", "bob@example.com")))
                .statusCode());

        List<JsonNode> queued = awaitQueue(2);
        assertEquals(2, queued.size(), queued.toString());
        Path file = home.resolve("events/events.ndjson");
        List<String> lines = List.of();
        for (int i = 0; i < 600 && lines.size() < 2; i++) {
            lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            Thread.sleep(50);
        }
        assertEquals(redis.commands().lrange("trk_queue", 0, -1), lines, "the same events, byte for byte, in the same order");
        assertEquals("m-open", JSON.readTree(lines.get(0)).at("/WD/msg_id").asText());
        assertEquals("c", JSON.readTree(lines.get(1)).at("/WD/act").asText());
        assertTrue(Files.readString(file).endsWith("}\n"), "one event per line");
    }
}
