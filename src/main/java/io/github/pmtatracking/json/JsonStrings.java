package io.github.pmtatracking.json;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * A JSON string's contents appended to a line being built by hand, escaped as Jackson escapes
 * them. Most values (ids, addresses, IPs) have nothing to escape and are appended whole: Jackson's
 * encoder appends a StringBuilder one character at a time, which under JFR was most of the
 * feeder's NDJSON step and of acct_etl's enrichment JSON.
 */
public final class JsonStrings {

    private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();

    private JsonStrings() {
    }

    /** {@code value} between quotes already written, escaped where JSON needs it. */
    public static StringBuilder appendEscaped(StringBuilder sb, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                ESCAPER.quoteAsString(value, sb);
                return sb;
            }
        }
        return sb.append(value);
    }
}
