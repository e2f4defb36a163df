package io.github.pmtatracking.wrapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The byte-level grammar {@link MimeRewriter} walks: where a header block ends, its fields, and
 * where a multipart body's delimiter lines split it. On the bytes themselves, so every offset
 * points into the message as received.
 */
final class MimeStructure {

    private MimeStructure() {
    }

    /** A message without a blank line is only header fields when each line is a field or a fold and the last one ends. */
    static boolean headerFieldsOnly(byte[] m) {
        if (m.length == 0 || m[m.length - 1] != '\n') {
            return false;
        }
        int lineStart = 0;
        while (lineStart < m.length) {
            int lineEnd = indexOf(m, (byte) '\n', lineStart, m.length);
            boolean fold = m[lineStart] == ' ' || m[lineStart] == '\t';
            if (!(fold && lineStart > 0) && !fieldName(m, lineStart, lineEnd)) {
                return false;
            }
            lineStart = lineEnd + 1;
        }
        return true;
    }

    /** The line starts with a field name (printable ASCII but colon, RFC 5322) and its colon. */
    private static boolean fieldName(byte[] m, int from, int to) {
        for (int i = from; i < to; i++) {
            if (m[i] == ':') {
                return i > from;
            }
            if (m[i] <= ' ' || m[i] > '~') {
                return false;
            }
        }
        return false;
    }

    /** Splits a multipart body at its delimiter lines; returns [start, end) of each part. */
    static List<int[]> parts(byte[] m, int start, int end, String boundary) throws MimeRewriter.MimeProblem {
        byte[] delim = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        // the delimiter looked for as a Latin-1 string in the body read one char per byte: String.indexOf
        // is the JIT's vectorized search, where a byte loop over every line took 2.7% of the proxy's
        // CPU with tracking (JFR, 2026-12-07); a delimiter line is an occurrence at a line's start
        String body = new String(m, start, end - start, StandardCharsets.ISO_8859_1);
        String delimiter = new String(delim, StandardCharsets.ISO_8859_1);
        List<int[]> parts = new ArrayList<>();
        int partStart = -1;
        for (int at = body.indexOf(delimiter); at >= 0; at = body.indexOf(delimiter, at + 1)) {
            int lineStart = start + at;
            if (lineStart > start && m[lineStart - 1] != '\n') {
                continue; // inside a line
            }
            int lineEnd = indexOf(m, (byte) '\n', lineStart, end);
            int next = lineEnd < 0 ? end : lineEnd + 1;
            int contentEnd = lineEnd < 0 ? end : (lineEnd > lineStart && m[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd);
            if (!startsWith(m, lineStart, contentEnd, delim)) {
                continue; // the line ends before the delimiter does
            }
            int after = lineStart + delim.length;
            boolean close = after + 2 <= contentEnd && m[after] == '-' && m[after + 1] == '-';
            if (close || blank(m, after, contentEnd)) {
                if (partStart >= 0) {
                    // the line end before a delimiter belongs to the delimiter
                    int partEnd = lineStart;
                    if (partEnd > partStart && m[partEnd - 1] == '\n') {
                        partEnd--;
                        if (partEnd > partStart && m[partEnd - 1] == '\r') {
                            partEnd--;
                        }
                    }
                    parts.add(new int[] {partStart, partEnd});
                }
                if (close) {
                    return parts;
                }
                partStart = next;
            }
        }
        if (partStart < 0) {
            throw new MimeRewriter.MimeProblem("multipart body without its boundary");
        }
        parts.add(new int[] {partStart, end}); // no closing delimiter: the last part runs to the end
        return parts;
    }

    /** Index of the line end that ends the headers (the empty line's start), or -1. */
    static int headerEnd(byte[] m, int start, int end) {
        if (start < end && (m[start] == '\n' || (m[start] == '\r' && start + 1 < end && m[start + 1] == '\n'))) {
            return start; // no headers at all
        }
        for (int i = start; i < end; i++) {
            if (m[i] == '\n') {
                int j = i + 1;
                if (j < end && (m[j] == '\n' || (m[j] == '\r' && j + 1 < end && m[j + 1] == '\n'))) {
                    return j;
                }
            }
        }
        return -1;
    }

    /**
     * Header fields (unfolded: a line break before a space or tab and that one character become one
     * space), by lower-case name; the first of each name. A line without a colon, or starting with
     * one, names no field. Scanned by hand: the regular expressions that unfolded and split the block
     * were 3% of the proxy's CPU (perf, 2026-12-06); {@code MimeStructureTest} holds the two to the same answers.
     */
    static Map<String, String> headers(byte[] m, int start, int end) {
        Map<String, String> fields = new HashMap<>();
        StringBuilder field = new StringBuilder(128);
        int lineStart = start;
        while (lineStart < end) {
            int lf = indexOf(m, (byte) '\n', lineStart, end);
            int next = lf < 0 ? end : lf + 1;
            field.setLength(0);
            appendLine(field, m, lineStart, lf, end);
            // folded continuation lines: the break and the first blank of each become one space
            while (next < end && (m[next] == ' ' || m[next] == '\t')) {
                int lf2 = indexOf(m, (byte) '\n', next, end);
                field.append(' ');
                appendLine(field, m, next + 1, lf2, end);
                next = lf2 < 0 ? end : lf2 + 1;
            }
            int colon = field.indexOf(":");
            if (colon > 0) {
                fields.putIfAbsent(field.substring(0, colon).trim().toLowerCase(Locale.ROOT), field.substring(colon + 1).trim());
            }
            lineStart = next;
        }
        return fields;
    }

    /** A line's bytes as ISO-8859-1 characters, without its line end (LF, or CR LF); lf is -1 for a last line without one. */
    private static void appendLine(StringBuilder into, byte[] m, int from, int lf, int end) {
        int to = lf < 0 ? end : lf > from && m[lf - 1] == '\r' ? lf - 1 : lf;
        for (int i = from; i < to; i++) {
            into.append((char) (m[i] & 0xff));
        }
    }

    static int indexOf(byte[] m, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (m[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] m, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (m[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean blank(byte[] m, int from, int to) {
        for (int i = from; i < to; i++) {
            if (m[i] != ' ' && m[i] != '\t') {
                return false;
            }
        }
        return true;
    }
}
