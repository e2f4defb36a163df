package io.github.pmtatracking.tracker;

/**
 * Why a request gets no event, as the answer step tells the client: the status (400, 405, 414),
 * the reason counted in {@code pmta_tracker_refused_total{reason}}, the text of the answer's body
 * and, for a 405, the methods allowed.
 */
public record TrackingRefusal(int status, String reason, String text, String allow) {
}
