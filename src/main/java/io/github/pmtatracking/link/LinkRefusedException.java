package io.github.pmtatracking.link;

/** A tracking path that cannot be decoded, with the reason as a value callers can count and map to an answer. */
public final class LinkRefusedException extends Exception {

    /** Why a link was refused. The names are used as metric labels and log words. */
    public enum Reason {
        PATH_TOO_LONG,
        BAD_PATH,
        BAD_BASE64,
        BAD_ZLIB,
        TOO_LARGE,
        BAD_JSON,
        UNKNOWN_ACTION,
        UNSIGNED,
        BAD_SIGNATURE;

        /** Lower-case label, e.g. {@code bad_base64}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Reason reason;

    public LinkRefusedException(Reason reason, String message) {
        super(message, null, false, false); // no stack trace: refusals are routine under hostile traffic
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
