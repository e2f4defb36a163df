package io.github.pmtatracking.wrapper;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code MAIL FROM:} or {@code RCPT TO:} line taken apart (RFC 5321 4.1.2): the path without its
 * brackets, and the ESMTP parameters by upper-case keyword (value null for a bare keyword). Only SP
 * separates parameters; a TAB anywhere is a syntax error, since an upstream that splits on white
 * space would read parameters the proxy did not see.
 */
record EnvelopeCommand(String path, Map<String, String> parameters) {

    /** Parses the line after its verb; {@code prefix} is "FROM:" or "TO:". */
    static EnvelopeCommand parse(String line, String prefix) {
        if (line.indexOf('\t') >= 0) {
            throw new IllegalArgumentException("TAB in the command");
        }
        int i = line.indexOf(' ') + 1;
        if (i == 0 || !line.regionMatches(true, i, prefix, 0, prefix.length())) {
            throw new IllegalArgumentException("expected " + prefix);
        }
        i += prefix.length();
        while (i < line.length() && line.charAt(i) == ' ') {
            i++; // "MAIL FROM: <a@b>": not RFC 5321, yet common, and accepted by the usual MTAs
        }
        String path;
        if (i < line.length() && line.charAt(i) == '<') {
            int end = closingBracket(line, i + 1);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated path");
            }
            path = line.substring(i + 1, end);
            i = end + 1;
        } else {
            int end = line.indexOf(' ', i);
            end = end < 0 ? line.length() : end;
            path = line.substring(i, end); // a bare address, tolerated as the usual MTAs do
            i = end;
            if (path.isEmpty() || path.indexOf('<') >= 0 || path.indexOf('>') >= 0) {
                throw new IllegalArgumentException("no address");
            }
        }
        if (i < line.length() && line.charAt(i) != ' ') {
            throw new IllegalArgumentException("text after the path");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String p : line.substring(i).split(" ")) {
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String keyword = (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
            String value = eq < 0 ? null : p.substring(eq + 1);
            if (!keyword.matches("[A-Z0-9][A-Z0-9-]*") || value != null && !validValue(value)) {
                throw new IllegalArgumentException("bad parameter " + keyword);
            }
            if (parameters.containsKey(keyword)) {
                // ambiguous: the proxy would check one, and the upstream might act on the other
                throw new IllegalArgumentException(keyword + " given twice");
            }
            parameters.put(keyword, value);
        }
        return new EnvelopeCommand(path, Collections.unmodifiableMap(parameters));
    }

    /** RFC 5321 4.1.2 esmtp-value: 1*(%d33-60 / %d62-126), and UTF-8 under SMTPUTF8 (RFC 6531 3.3). */
    private static boolean validValue(String v) {
        return !v.isEmpty() && v.chars().allMatch(c -> c >= 33 && c <= 126 && c != '=' || c >= 0x80);
    }

    /** The '>' closing a path, skipping quoted local parts ({@code <"a>b"@c>}); -1 when there is none. */
    private static int closingBracket(String line, int from) {
        boolean quoted = false;
        for (int i = from; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }
}
