package io.github.pmtatracking.acct;

/** An accounting line that cannot be stored, with the reason it is counted under. */
public final class BadRecordException extends Exception {

    private final SkipReason reason;

    public BadRecordException(SkipReason reason, String message) {
        super(message, null, false, false); // routine on bad input: no stack trace
        this.reason = reason;
    }

    public SkipReason reason() {
        return reason;
    }
}
