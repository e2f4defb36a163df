package io.github.pmtatracking.linktool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkToolTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String secret, String... args) {
        out.reset();
        err.reset();
        return new LinkTool(secret, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of(args));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void decodePrintsTheOriginalsTwoLines() {
        // the example of the original's cmd/linktool/README.md
        assertEquals(0, run("", "decode",
                "http://localhost:8888/eJxUzLEOQiEMRuF3-WciGAaTTr4JwbaIUSKBMhnf_Ybxnv18P2Q2EBgOltb4gFDN-iTvraotfs8Lfxsc2nyml4AQdqJZHqqlhCDXGG9wGNw3VYbK_fT-jwAAAP__f2Mg1g=="));
        assertEquals("JSON: {\"act\":\"c\",\"t_url\":\"https://thetucks.com\",\"msg_id\":\"00000deadbeeff00d1337\",\"rcpt\":\"fred@thetucks.com\"}\n"
                + "Equivalent to encode -tracking_url http://localhost:8888 -rcpt_to fred@thetucks.com -action click "
                + "-target_link_url https://thetucks.com -message_id 00000deadbeeff00d1337\n", out());
    }

    @Test
    void encodeThenDecodeGivesTheSameArguments() {
        assertEquals(0, run("", "encode", "-tracking_url", "http://localhost:8888", "-rcpt_to", "fred@thetucks.com",
                "-action", "click", "-target_link_url", "https://thetucks.com", "-message_id", "00000deadbeeff00d1337"));
        String link = out().trim();
        assertTrue(link.startsWith("http://localhost:8888/eJ"), link);
        assertEquals(0, run("", "decode", link));
        assertTrue(out().contains("Equivalent to encode -tracking_url http://localhost:8888 -rcpt_to fred@thetucks.com "
                + "-action click -target_link_url https://thetucks.com -message_id 00000deadbeeff00d1337"), out());
    }

    @Test
    void withASecretLinksAreSignedAndVerified() {
        assertEquals(0, run("k1", "encode", "-action", "open"));
        String link = out().trim();
        assertEquals(0, run("k1", "decode", link));
        assertTrue(out().contains("Signature: valid"), out());
        assertEquals(1, run("other", "decode", link));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("bad_signature"));
    }

    @Test
    void aBadUrlExitsNonZeroWithOneLine() {
        assertEquals(1, run("", "decode", "http://localhost:8888/not-a-link"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.startsWith("linktool: cannot decode http://localhost:8888/not-a-link:"), e);
    }

    @Test
    void anUnknownActionIsRefused() {
        assertEquals(2, run("", "encode", "-action", "bounce"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("invalid -action 'bounce'"));
    }
}
