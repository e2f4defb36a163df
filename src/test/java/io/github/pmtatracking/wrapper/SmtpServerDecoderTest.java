package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The data phase fed in every chunking: the message is the same however the bytes arrive. */
class SmtpServerDecoderTest {

    /** What the data means, written plainly: lines up to the "." line, one leading dot removed, bare CR and LF made CRLF. */
    private static String reference(String data) {
        StringBuilder out = new StringBuilder();
        for (String line : data.split("\r\n", -1)) {
            if (line.equals(".")) {
                return out.toString();
            }
            String l = line.startsWith(".") ? line.substring(1) : line;
            out.append(l.replace("\r", "\r\n").replace("\n", "\r\n").replace("\r\r\n", "\r\n")).append("\r\n");
        }
        throw new AssertionError("no end of data in the test input");
    }

    private static String decode(String data, int[] cuts) {
        SmtpServerDecoder decoder = new SmtpServerDecoder(0);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        decoder.startData();
        byte[] bytes = data.getBytes(StandardCharsets.ISO_8859_1);
        int at = 0;
        for (int cut : cuts) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, at, cut - at));
            at = cut;
        }
        ch.writeInbound(Unpooled.wrappedBuffer(bytes, at, bytes.length - at));
        SmtpServerDecoder.Message m = ch.readInbound();
        ch.finishAndReleaseAll();
        return new String(m.content(), StandardCharsets.ISO_8859_1);
    }

    private static final String TRICKY = "Subject: x\r\n\r\n..leading dot\r\nbare\rcr\r\nbare\nlf\r\n.\nnot the end\r\nA\r\r\n"
            + "plain line\r\nanother plain line\r\n.\r\n";

    @Test
    void everySplitOfTheDataGivesOneMessage() {
        String want = reference(TRICKY);
        assertTrue(want.contains("\r\n.leading dot\r\n") && want.contains("bare\r\ncr") && want.contains("bare\r\nlf"), want);
        assertEquals(want, decode(TRICKY, new int[0]));
        int n = TRICKY.length();
        for (int a = 1; a < n; a++) {
            assertEquals(want, decode(TRICKY, new int[] {a}), "cut at " + a);
            for (int b = a + 1; b < n; b += 7) {
                assertEquals(want, decode(TRICKY, new int[] {a, b}), "cuts at " + a + ", " + b);
            }
        }
    }

    @Test
    void randomDataInRandomChunksReadsAsThePlainReading() {
        Random random = new Random(7);
        String alphabet = "ab.\r\n\r\n\r\n \n\r";
        for (int n = 0; n < 5_000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(80);
            for (int i = 0; i < len; i++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String data = sb.toString().replace("\r\n.\r\n", "\r\n..\r\n");
            data = (data.startsWith(".\r\n") ? "x" : "") + data + "\r\n.\r\n";
            int cuts = random.nextInt(4);
            int[] at = random.ints(cuts, 1, data.length()).sorted().distinct().toArray();
            assertEquals(reference(data), decode(data, at), data);
        }
    }

    @Test
    void aMessageOfBareLineFeedsCountsTowardTheSizeLimitAndTheMessageMemory() {
        // bare LFs throughout (Python's smtplib sends bytes as they are): one SMTP line, once held
        // whole until its CRLF, past the size limit and the memory (OutOfMemoryError at 48 MB)
        String data = "Subject: x\n\n" + "y".repeat(99).concat("\n").repeat(100) + "\r\n.\r\n";
        MessageMemory memory = new MessageMemory(5_000);
        for (long limit : new long[] {5_000, 0}) {
            SmtpServerDecoder decoder = new SmtpServerDecoder(limit, memory);
            EmbeddedChannel ch = new EmbeddedChannel(decoder);
            decoder.startData();
            for (int at = 0; at < data.length(); at += 1000) { // read as it comes, not whole
                ch.writeInbound(Unpooled.wrappedBuffer(data.substring(at, Math.min(data.length(), at + 1000))
                        .getBytes(StandardCharsets.ISO_8859_1)));
                if (at == 2000 && limit == 0) {
                    assertTrue(memory.held() > 2000, "kept and counted as it comes: " + memory.held());
                }
                if (at == 6000) {
                    assertEquals(0, memory.held(), "past the limit or the memory, before its end: its share released at once");
                }
            }
            SmtpServerDecoder.Message m = ch.readInbound();
            assertEquals(limit > 0, m.oversize(), "over the size limit: refused for its size");
            assertEquals(limit == 0, m.noMemory(), "no size limit: past the memory");
            assertEquals(0, m.content().length);
            assertEquals(0, memory.held(), "nothing held for a refused message");
            ch.finishAndReleaseAll();
        }
    }
}
