package io.github.pmtatracking.feeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class IngestApiTest {

    @Test
    void hostsAreCleanedUpAsTheOriginalDid() {
        assertEquals("https://api.sparkpost.com/api/v1/ingest/events", new IngestApi("", "k").url());
        assertEquals("https://api.eu.sparkpost.com/api/v1/ingest/events", new IngestApi("api.eu.sparkpost.com", "k").url());
        assertEquals("https://api.eu.sparkpost.com/api/v1/ingest/events", new IngestApi("https://api.eu.sparkpost.com/api/v1/", "k").url());
        assertEquals("http://127.0.0.1:9000/api/v1/ingest/events", new IngestApi("http://127.0.0.1:9000", "k").url(),
                "an explicit http:// is kept for a local stand-in");
    }

    @Test
    void withoutAKeyThereIsNoApi() {
        assertFalse(new IngestApi("api.sparkpost.com", " ").hasKey());
    }
}
