package io.github.pmtatracking.link;

import java.util.Objects;

/**
 * What a tracking link carries: the action, the click target, the message id and the recipient.
 * {@code linkName} is the optional {@code data-msys-linkname} of a wrapped link.
 * Absent strings are empty, never null, as the original's Go structs were.
 */
public record TrackingLink(TrackingAction action, String targetUrl, String messageId, String rcptTo,
                           String linkName) {

    public TrackingLink {
        Objects.requireNonNull(action, "action");
        targetUrl = targetUrl == null ? "" : targetUrl;
        messageId = messageId == null ? "" : messageId;
        rcptTo = rcptTo == null ? "" : rcptTo;
        linkName = linkName == null ? "" : linkName;
    }

    /**
     * The link name of the wrapper's trap link (-track_trap_link), which no person sees: the feeder
     * takes a hit on it as a link scanner's, and that message's clicks from the same address too.
     */
    public static final String TRAP_LINK_NAME = "pmta-trap-link";

    public static TrackingLink open(String messageId, String rcptTo) {
        return new TrackingLink(TrackingAction.OPEN, "", messageId, rcptTo, "");
    }

    public static TrackingLink initialOpen(String messageId, String rcptTo) {
        return new TrackingLink(TrackingAction.INITIAL_OPEN, "", messageId, rcptTo, "");
    }

    public static TrackingLink click(String targetUrl, String messageId, String rcptTo) {
        return new TrackingLink(TrackingAction.CLICK, targetUrl, messageId, rcptTo, "");
    }

    public TrackingLink withLinkName(String name) {
        return new TrackingLink(action, targetUrl, messageId, rcptTo, name);
    }
}
