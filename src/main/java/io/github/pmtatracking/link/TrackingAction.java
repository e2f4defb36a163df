package io.github.pmtatracking.link;

import java.util.Optional;

/**
 * The three engagement actions a tracking link can carry. The one-letter code travels inside the
 * link (as the original tool wrote it); the name is SparkPost's event type.
 */
public enum TrackingAction {
    OPEN("o", "open"),
    INITIAL_OPEN("i", "initial_open"),
    CLICK("c", "click");

    private final String code;
    private final String eventType;

    TrackingAction(String code, String eventType) {
        this.code = code;
        this.eventType = eventType;
    }

    /** The one-letter code stored in the link's {@code act} field. */
    public String code() {
        return code;
    }

    /** The SparkPost event type: open, initial_open or click. */
    public String eventType() {
        return eventType;
    }

    public static Optional<TrackingAction> fromCode(String code) {
        for (TrackingAction a : values()) {
            if (a.code.equals(code)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    public static Optional<TrackingAction> fromEventType(String eventType) {
        for (TrackingAction a : values()) {
            if (a.eventType.equals(eventType)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
