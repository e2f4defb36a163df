package io.github.pmtatracking.tracker;

import io.github.pmtatracking.json.JsonStrings;
import io.github.pmtatracking.link.TrackingLink;

/**
 * An event as the tracker queues it, in the original's format so even the original feeder reads
 * it: {@code {"WD":{"act","t_url","msg_id","rcpt"},"ts","ua","ip"}}, plus {@code event_id} (so a
 * re-sent event is recognisably the same), {@code t_name} when the link has a name, and
 * {@code "method":"HEAD"} for a HEAD request's.
 */
final class TrackingEventJson {

    private TrackingEventJson() {
    }

    // Written by hand with Jackson's escaping: this runs on every request, and a generator or
    // ObjectMapper per event cost more than the rest of the request's work.
    static String of(TrackingLink link, long unixSeconds, String userAgent, String ip, String eventId, boolean head) {
        StringBuilder sb = new StringBuilder(192 + link.targetUrl().length() + userAgent.length());
        sb.append("{\"WD\":{\"act\":\"").append(link.action().code());
        field(sb, "t_url", link.targetUrl());
        field(sb, "msg_id", link.messageId());
        field(sb, "rcpt", link.rcptTo());
        if (!link.linkName().isEmpty()) {
            field(sb, "t_name", link.linkName());
        }
        sb.append("\"},\"ts\":\"").append(unixSeconds);
        field(sb, "ua", userAgent);
        field(sb, "ip", ip);
        field(sb, "event_id", eventId);
        if (head) {
            field(sb, "method", "HEAD"); // a link scanner's check: the feeder flags it as a machine's
        }
        return sb.append("\"}").toString();
    }

    /** Closes the previous string value and writes {@code ,"name":"value} (value left open). */
    private static void field(StringBuilder sb, String name, String value) {
        sb.append("\",\"").append(name).append("\":\"");
        JsonStrings.appendEscaped(sb, value);
    }
}
