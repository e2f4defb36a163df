package io.github.pmtatracking.link;

import java.util.Locale;

/**
 * What a click link may lead to. One check for both ends: the tracker redirects only to a target
 * that passes {@link #unsafe}, and the wrapper wraps only hrefs whose {@link #ofHref cleaned}
 * form passes it, so every wrapped link redirects.
 */
public final class ClickTarget {

    private ClickTarget() {
    }

    /**
     * The href as a browser follows it: WHATWG URL parsing strips leading and trailing C0 controls
     * and spaces and removes every ASCII TAB, LF and CR, so {@code "h\tttps://a.example/"} leads to
     * {@code https://a.example/}. The value given is the attribute's, entities already decoded.
     */
    public static String ofHref(String href) {
        String t = href.trim(); // trim() strips exactly U+0000 to U+0020: C0 controls and space
        if (t.indexOf('\t') < 0 && t.indexOf('\n') < 0 && t.indexOf('\r') < 0) {
            return t;
        }
        StringBuilder sb = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c != '\t' && c != '\n' && c != '\r') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * Why a click target must not be redirected to, or null when it is an http(s) URL with a host.
     * Deliberately not java.net.URI: real mail links carry spaces, braces and non-ASCII text that
     * browsers accept and URI refuses.
     */
    public static String unsafe(String target) {
        if (target.isEmpty()) {
            return "click link without a target";
        }
        String lower = target.toLowerCase(Locale.ROOT);
        int rest = lower.startsWith("https://") ? 8 : lower.startsWith("http://") ? 7 : -1;
        if (rest < 0) {
            return "click target is not http or https";
        }
        if (rest == target.length() || "/?#".indexOf(target.charAt(rest)) >= 0) {
            return "click target has no host";
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "click target contains control characters"; // no header injection via Location
            }
        }
        return null;
    }
}
