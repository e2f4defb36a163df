package io.github.pmtatracking.wrapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The attributes of one start tag as written in the source, and where the tag ends: the HTML
 * tokenizer's attribute states (WHATWG HTML 13.2.5.32 to 13.2.5.40) over the text that follows a
 * tag name, as the standard says. Where jsoup reads otherwise (it makes NUL U+FFFD, keeps at most
 * 512 attributes) {@link MarkedHtml}'s comparison with jsoup's own attributes, tag by tag, finds
 * it, and jsoup's positioned parse is taken.
 *
 * <p>Written here because jsoup gives attribute positions only with its whole-document position
 * tracking, which doubled the parse of example.eml's HTML (342 against 152 us, 2026-12-07).
 */
final class StartTagSource {

    /** One attribute: its name in lower case, its value as written ({@code [valueStart, valueEnd)}, empty when none). */
    record Attribute(String name, int valueStart, int valueEnd) {
    }

    /** The attributes in source order (a repeated name too: the first one counts) and the offset after the '>'. */
    record Tag(List<Attribute> attributes, int end) {
    }

    private StartTagSource() {
    }

    /**
     * @param s    the source
     * @param from the offset just after the tag name
     * @return the tag, or null when the source ends inside it (the tokenizer drops such a tag)
     */
    static Tag read(String s, int from) {
        List<Attribute> attributes = new ArrayList<>();
        int i = from;
        int n = s.length();
        while (true) {
            // before attribute name
            while (i < n && whitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return null;
            }
            char c = s.charAt(i);
            if (c == '>') {
                return new Tag(attributes, i + 1);
            }
            if (c == '/') { // self-closing start tag state: anything but '>' is read again as before an attribute name
                i++;
                continue;
            }
            // attribute name: a leading '=' belongs to it; then up to whitespace, '/', '>' or '='
            int nameStart = i++;
            while (i < n && !whitespace(s.charAt(i)) && "/>=".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            String name = s.substring(nameStart, i).toLowerCase(Locale.ROOT);
            // after attribute name
            while (i < n && whitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return null;
            }
            if (s.charAt(i) != '=') {
                attributes.add(new Attribute(name, i, i)); // no value; '/', '>' or the next name follow
                continue;
            }
            i++;
            // before attribute value
            while (i < n && whitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return null;
            }
            c = s.charAt(i);
            if (c == '"' || c == '\'') {
                int close = s.indexOf(c, i + 1);
                if (close < 0) {
                    return null;
                }
                attributes.add(new Attribute(name, i + 1, close));
                i = close + 1; // after the quoted value anything but whitespace, '/' and '>' starts the next name
            } else if (c == '>') {
                attributes.add(new Attribute(name, i, i));
            } else {
                int valueStart = i;
                while (i < n && !whitespace(s.charAt(i)) && s.charAt(i) != '>') {
                    i++;
                }
                if (i >= n) {
                    return null;
                }
                attributes.add(new Attribute(name, valueStart, i));
            }
        }
    }

    /** What the tokenizer takes as space between attributes: TAB, LF, FF, SPACE, and CR (it reads CR as LF). */
    static boolean whitespace(char c) {
        return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
    }
}
