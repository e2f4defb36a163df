package io.github.pmtatracking.wrapper;

import java.security.SecureRandom;

/**
 * X-Sp-Message-Id values in the original's form: 20 hex digits, "0000", the 4 bytes of the unix
 * time little-endian, then 4 random bytes.
 */
public final class MessageIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private MessageIds() {
    }

    public static String next() {
        long t = System.currentTimeMillis() / 1000;
        byte[] r = new byte[4];
        RANDOM.nextBytes(r);
        return String.format("0000%02x%02x%02x%02x%02x%02x%02x%02x",
                t & 0xff, (t >> 8) & 0xff, (t >> 16) & 0xff, (t >> 24) & 0xff, r[0] & 0xff, r[1] & 0xff, r[2] & 0xff, r[3] & 0xff);
    }
}
