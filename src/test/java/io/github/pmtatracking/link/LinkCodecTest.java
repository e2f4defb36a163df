package io.github.pmtatracking.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.link.LinkRefusedException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;

class LinkCodecTest {

    private final LinkCodec codec = LinkCodec.unsigned();

    @Test
    void theOriginalReadmeExampleDecodesToAnOpenOfTheExampleUrl() throws Exception {
        String path = "/tracking/open/eJxdT81uwyAMfpWI6xqSbolYeuoDrKc9AHKIoawBInCqRlXffVBt0jT5Ytnf750pcAtY46Wd2KFiH5CoOlm_ElafcLXeJLarWFQLSQoFQZjopW3bYS-G_ugD1SGCN8h15GNYvdrqZP2FU9xc2hL3SEXBJSN1DO5X4pgIr0h12f9jn24OCTL4_siHtI5fqKhw_4QiiAZJztlNrnEu3zPRcmgavOVWM3IVXGP9hDd-Jjc_ORHUJQv81N0LGF_LdAI6_T5B1-Nbr4dOTEKrHtnjG0smYWM=";
        DecodedLink d = codec.decodePath(path);
        assertEquals(TrackingAction.OPEN, d.link().action());
        assertEquals("http://example.com/index.html", d.link().targetUrl());
        assertEquals("test+00091795@not-orange.fr.bouncy-sink.trymsys.net", d.link().rcptTo());
        assertEquals("17ab2b2b247a4f8da45e35f947d7fc5e", d.link().messageId());
        assertEquals("", d.prefix());
    }

    @Test
    void aLinkMadeByTheOriginalLinktoolDecodes() throws Exception {
        // from the original's cmd/linktool/README.md, made by Go's compress/zlib
        String url = "http://localhost:8888/eJxUzLEOQiEMRuF3-WciGAaTTr4JwbaIUSKBMhnf_Ybxnv18P2Q2EBgOltb4gFDN-iTvraotfs8Lfxsc2nyml4AQdqJZHqqlhCDXGG9wGNw3VYbK_fT-jwAAAP__f2Mg1g==";
        DecodedLink d = codec.decodeUrl(url);
        assertEquals(TrackingLink.click("https://thetucks.com", "00000deadbeeff00d1337", "fred@thetucks.com"), d.link());
        assertEquals("{\"act\":\"c\",\"t_url\":\"https://thetucks.com\",\"msg_id\":\"00000deadbeeff00d1337\",\"rcpt\":\"fred@thetucks.com\"}", d.json());
    }

    @Test
    void vectorsMadeTheOriginalWayDecode() throws Exception {
        // JSON escaped as Go's encoding/json does (\u0026 for &), zlib at levels 9, 6 and 1
        assertEquals(TrackingLink.click("https://example.com/shop?a=1&b=<2>", "0000f1e2d3c4b5a69788", "bob@example.com"),
                codec.decodePath("/eNqrVkpMLlGyUkpW0lEqiS8tygGyM0pKCoqt9PVTKxJzC3JS9ZLzc_WLM_IL7BNtDWNKDQyMzJJsQbRxshGYSgXqzS1Oj89MAWo2AII0w1SjFONkkyTTRDNLcwsLoHxRcgHImqT8JAckY5VqAf_PJ30=").link());
        assertEquals(TrackingLink.open("00000deadbeeff00d1337", "josé@exämple.com"),
                codec.decodePath("/eJyrVkpMLlGyUspX0lEqiS8tygGygczc4vT4zBQg2wAEUlITU5JSU9PSgExDY2NzoIKi5AKQtqz84sMrHVIrDi_JLchJ1UvOz1WqBQARCxrd").link());
        assertEquals(TrackingLink.initialOpen("0000123456789abcdef0", "any@example.com"),
                codec.decodePath("/eAGrVkpMLlGyUspU0lEqiS8tygGygczc4vT4zBQg2wAIDI2MTUzNzC0sE5OSU1LTDIDyRckFIF2JeZUOqRWJuQU5qXrJ-blKtQB7hhd7").link());
    }

    @Test
    void encodedLinksUseTheOriginalJsonAndPaddedBase64Url() throws Exception {
        String url = codec.encode("https://track.example.com/", TrackingLink.click("https://a.example/?x=1&y=2", "m1", "r@x"));
        assertTrue(url.startsWith("https://track.example.com/eJ"), url);
        String payload = url.substring(url.lastIndexOf('/') + 1);
        assertEquals(0, payload.length() % 4, "padded like Go's base64.URLEncoding");
        // what the original's DecodePath does: base64 URL alphabet, then a zlib stream
        byte[] z = Base64.getUrlDecoder().decode(payload);
        java.util.zip.InflaterInputStream in = new java.util.zip.InflaterInputStream(new java.io.ByteArrayInputStream(z));
        String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("{\"act\":\"c\",\"t_url\":\"https://a.example/?x=1&y=2\",\"msg_id\":\"m1\",\"rcpt\":\"r@x\"}", json);
    }

    @Test
    void everyActionRoundTripsUnderAPrefixPath() throws Exception {
        for (TrackingLink link : new TrackingLink[] {
                TrackingLink.open("0000aabbccdd11223344", "a@example.com"),
                TrackingLink.initialOpen("0000aabbccdd11223344", "a@example.com"),
                TrackingLink.click("https://example.com/ü?q=a b", "id", "").withLinkName("Buy now")}) {
            String url = codec.encode("http://t.example.com:8080/t/x", link);
            DecodedLink d = codec.decodeUrl(url);
            assertEquals(link, d.link());
            assertEquals("/t/x", d.prefix());
        }
    }

    @Test
    void signedLinksVerifyAndStayShort() throws Exception {
        LinkCodec signing = LinkCodec.builder().secret("s3cret").build();
        TrackingLink link = TrackingLink.click("https://example.com/", "0000aabbccdd11223344", "a@example.com");
        String signed = signing.encode("http://t", link);
        String plain = codec.encode("http://t", link);
        DecodedLink d = signing.decodeUrl(signed);
        assertTrue(d.signed());
        assertEquals(link, d.link());
        assertTrue(signed.length() - plain.length() <= 40, "signature adds " + (signed.length() - plain.length()) + " chars");
        // the original tracker ignores the extra field and still reads the link
        assertEquals(link, codec.decodeUrl(signed).link());
    }

    @Test
    void aTamperedSignedLinkIsRefused() throws Exception {
        LinkCodec signing = LinkCodec.builder().secret("s3cret").build();
        LinkCodec otherKey = LinkCodec.builder().secret("another").acceptUnsigned(true).build();
        String url = signing.encode("http://t", TrackingLink.click("https://good.example/", "m", "r"));
        assertEquals(Reason.BAD_SIGNATURE, refusal(otherKey, url));
        // same signature, changed target
        String json = signing.decodeUrl(url).json().replace("good.example", "evil.example");
        assertEquals(Reason.BAD_SIGNATURE, refusal(signing, "http://t/" + zlibBase64(json)));
    }

    @Test
    void unsignedLinksAreRefusedWhenASecretIsSetUnlessAcceptUnsigned() throws Exception {
        String url = codec.encode("http://t", TrackingLink.open("m", "r"));
        assertEquals(Reason.UNSIGNED, refusal(LinkCodec.builder().secret("k").build(), url));
        DecodedLink d = LinkCodec.builder().secret("k").acceptUnsigned(true).build().decodeUrl(url);
        assertFalse(d.signed());
    }

    @Test
    void hostileAndBrokenPathsAreRefusedWithAReason() {
        assertEquals(Reason.BAD_BASE64, refusalOfPath("/not*base64!"));
        assertEquals(Reason.BAD_ZLIB, refusalOfPath("/" + Base64.getUrlEncoder().encodeToString("plain text".getBytes())));
        String truncated = zlibBase64("{\"act\":\"o\"}");
        assertEquals(Reason.BAD_ZLIB, refusalOfPath("/" + truncated.substring(0, 12)));
        assertEquals(Reason.BAD_JSON, refusalOfPath("/" + zlibBase64("{\"act\":")));
        assertEquals(Reason.BAD_JSON, refusalOfPath("/" + zlibBase64("[1,2]")));
        assertEquals(Reason.BAD_JSON, refusalOfPath("/" + zlibBase64("{\"act\":\"o\",\"rcpt\":42}")));
        assertEquals(Reason.UNKNOWN_ACTION, refusalOfPath("/" + zlibBase64("{\"act\":\"x\"}")));
        assertEquals(Reason.UNKNOWN_ACTION, refusalOfPath("/" + zlibBase64("{\"t_url\":\"https://x\"}")));
        assertEquals(Reason.BAD_PATH, refusalOfPath("/"));
        assertEquals(Reason.BAD_PATH, refusalOfPath(""));
    }

    @Test
    void anOverLongPathIsRefusedBeforeDecoding() {
        LinkCodec small = LinkCodec.builder().maxPathLength(100).build();
        assertEquals(Reason.PATH_TOO_LONG, refusal(small, "/" + "A".repeat(100)));
    }

    @Test
    void aZipBombIsRefusedAfterInflatingOnlyTheBound() {
        // 10 MB of spaces compresses to about 10 KB; inflation must stop at the bound
        byte[] big = new byte[10 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        String path = "/" + Base64.getUrlEncoder().encodeToString(zlib(big));
        LinkCodec codecForBomb = LinkCodec.builder().maxPathLength(64 * 1024).build();
        assertEquals(Reason.TOO_LARGE, refusal(codecForBomb, path));
        // just past the default bound also fails, just under it passes
        String json = "{\"act\":\"o\",\"rcpt\":\"" + "a".repeat(LinkCodec.DEFAULT_MAX_INFLATED_BYTES) + "\"}";
        assertEquals(Reason.TOO_LARGE, refusal(codecForBomb, "/" + zlibBase64(json)));
    }

    @Test
    void trackingUrlsWithAQueryAreRefusedAsTheOriginalDid() {
        assertThrows(IllegalArgumentException.class, () -> LinkCodec.normalizeTrackingUrl("http://t.example/?a=1"));
        assertThrows(IllegalArgumentException.class, () -> LinkCodec.normalizeTrackingUrl("ftp://t.example/"));
        assertThrows(IllegalArgumentException.class, () -> LinkCodec.normalizeTrackingUrl("localhost:8888"));
        assertEquals("http://t.example/p", LinkCodec.normalizeTrackingUrl("http://t.example/p/"));
    }

    private Reason refusalOfPath(String path) {
        return refusal(codec, path);
    }

    private static Reason refusal(LinkCodec c, String pathOrUrl) {
        LinkRefusedException e = assertThrows(LinkRefusedException.class,
                () -> {
                    if (pathOrUrl.startsWith("http")) {
                        c.decodeUrl(pathOrUrl);
                    } else {
                        c.decodePath(pathOrUrl);
                    }
                });
        return e.reason();
    }

    static String zlibBase64(String json) {
        return Base64.getUrlEncoder().encodeToString(zlib(json.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] zlib(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(9))) {
            z.write(data);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }
}
