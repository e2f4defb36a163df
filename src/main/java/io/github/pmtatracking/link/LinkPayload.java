package io.github.pmtatracking.link;

import io.github.pmtatracking.link.LinkRefusedException.Reason;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A link's payload bytes: base64url (with padding, as Go's URLEncoding) of a zlib stream. Decoding
 * is bounded: inflation stops as soon as the output passes {@code maxInflatedBytes}, so a zip
 * bomb costs one small buffer. Thread-safe.
 */
final class LinkPayload {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder(); // with padding, as Go's URLEncoding
    private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder(); // padding optional
    // one zlib stream per thread, reset between uses: creating one allocates native buffers each time
    private static final ThreadLocal<Deflater> DEFLATERS = ThreadLocal.withInitial(() -> new Deflater(Deflater.DEFAULT_COMPRESSION));
    private static final ThreadLocal<Inflater> INFLATERS = ThreadLocal.withInitial(Inflater::new);

    private final int maxInflatedBytes;
    /** Inflate space, one per thread: a tracker decodes on every request. */
    private final ThreadLocal<byte[]> inflateBuffers;

    LinkPayload(int maxInflatedBytes) {
        this.maxInflatedBytes = maxInflatedBytes;
        this.inflateBuffers = ThreadLocal.withInitial(() -> new byte[maxInflatedBytes + 1]);
    }

    /** The JSON of a link decoded from its path segment, or refused with the precise reason. */
    byte[] decode(String payload) throws LinkRefusedException {
        return inflate(base64(payload));
    }

    static String encode(byte[] json) {
        Deflater deflater = DEFLATERS.get(); // reset after each use, below
        try {
            deflater.setInput(json);
            deflater.finish();
            byte[] buf = new byte[json.length + 64];
            int n = 0;
            while (!deflater.finished()) {
                if (n == buf.length) {
                    buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                }
                n += deflater.deflate(buf, n, buf.length - n);
            }
            return B64.encodeToString(java.util.Arrays.copyOf(buf, n));
        } finally {
            deflater.reset();
        }
    }

    private static byte[] base64(String payload) throws LinkRefusedException {
        String text = payload;
        if (text.indexOf('%') >= 0) { // some clients percent-encode the '=' padding
            try {
                text = URLDecoder.decode(text, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new LinkRefusedException(Reason.BAD_BASE64, "bad percent-encoding in payload");
            }
        }
        try {
            return B64_DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            throw new LinkRefusedException(Reason.BAD_BASE64, "payload is not base64url: " + e.getMessage());
        }
    }

    private byte[] inflate(byte[] compressed) throws LinkRefusedException {
        Inflater inflater = INFLATERS.get(); // zlib wrapper: header and Adler-32 are checked
        try {
            inflater.setInput(compressed);
            byte[] out = inflateBuffers.get();
            int n = 0;
            while (!inflater.finished()) {
                if (n == out.length) {
                    throw new LinkRefusedException(Reason.TOO_LARGE, "payload inflates past " + maxInflatedBytes + " bytes");
                }
                int got = inflater.inflate(out, n, out.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new LinkRefusedException(Reason.BAD_ZLIB, "payload is a truncated or unusual zlib stream");
                }
                n += got;
            }
            if (n > maxInflatedBytes) {
                throw new LinkRefusedException(Reason.TOO_LARGE, "payload inflates past " + maxInflatedBytes + " bytes");
            }
            return java.util.Arrays.copyOf(out, n);
        } catch (DataFormatException e) {
            throw new LinkRefusedException(Reason.BAD_ZLIB, "payload is not a zlib stream: " + e.getMessage());
        } finally {
            inflater.reset();
        }
    }
}
