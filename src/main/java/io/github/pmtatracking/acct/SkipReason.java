package io.github.pmtatracking.acct;

import java.util.Locale;

/** Why an accounting line was not stored. The labels appear in the summary line and in metrics. */
public enum SkipReason {
    /** A record type other than d (b, f, rb, t...): normal, PowerMTA sends what its config asks. */
    OTHER_TYPE,
    FIELD_COUNT,
    BROKEN_QUOTE,
    EMPTY_MESSAGE_ID,
    /** A delivery record before any header record, with none stored in Redis. */
    NO_HEADER,
    /** A header record without the header_x-sp-message-id column. */
    HEADER_WITHOUT_MESSAGE_ID,
    EMPTY_LINE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
