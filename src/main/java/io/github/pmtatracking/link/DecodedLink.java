package io.github.pmtatracking.link;

/**
 * The result of decoding a tracking path.
 *
 * @param link   the tracking data
 * @param jsonBytes the JSON found inside the payload, as UTF-8 (linktool prints it)
 * @param signed whether the link carried a signature that verified
 * @param prefix the path in front of the payload (empty for links at the root of the tracking URL)
 */
public record DecodedLink(TrackingLink link, byte[] jsonBytes, boolean signed, String prefix) {

    /** The JSON as text, made only when asked for (the tracker never asks). */
    public String json() {
        return new String(jsonBytes, java.nio.charset.StandardCharsets.UTF_8);
    }
}
