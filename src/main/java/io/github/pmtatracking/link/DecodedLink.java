package io.github.pmtatracking.link;

/**
 * The result of decoding a tracking path.
 *
 * @param link   the tracking data
 * @param json   the JSON text found inside the payload (linktool prints it)
 * @param signed whether the link carried a signature that verified
 * @param prefix the path in front of the payload (empty for links at the root of the tracking URL)
 */
public record DecodedLink(TrackingLink link, String json, boolean signed, String prefix) {
}
