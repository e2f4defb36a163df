package io.github.pmtatracking.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonStringsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void escapesAsJacksonWritesAStringAndAppendsPlainTextWhole() throws Exception {
        for (String s : new String[] {"", "bob@example.com", "Mozilla/5.0 (X11; Linux)", "say \"hi\"", "back\\slash",
                "tab\tnew\nline\u0001", "caf\u00e9 \u2603 \ud83d\ude00", "</script>"}) {
            String written = JSON.writeValueAsString(s);
            assertEquals(written.substring(1, written.length() - 1), JsonStrings.appendEscaped(new StringBuilder(), s).toString(), s);
        }
    }
}
