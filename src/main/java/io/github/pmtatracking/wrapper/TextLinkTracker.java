package io.github.pmtatracking.wrapper;

import io.github.pmtatracking.link.LinkCodec;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import org.nibor.autolink.LinkExtractor;
import org.nibor.autolink.LinkSpan;
import org.nibor.autolink.LinkType;

/**
 * -track_text_links: wraps the http and https URLs of a text/plain part, and changes nothing else
 * in it. The URLs are found by autolink (the extractor commonmark uses: a sentence's full stop, a
 * closing bracket it did not open, quotes and angle brackets around a URL are left out of it);
 * each is wrapped under the same rules as an HTML link ({@link TrackableLinks}).
 *
 * <p>Two rules of text's own: a URL that runs into a template placeholder (autolink stops at the
 * brace of {@code https://x.example/?u={{id}}}) is left alone, since its wrapped form would lose
 * the placeholder; and a wrapped link longer than {@link #MAX_LINK} is not made, so that in a
 * 7bit or 8bit part it fits on a line of its own within SMTP's 998 octets (the part's other long
 * lines are broken at a space, {@link PartText#limitLines}).
 */
public final class TextLinkTracker {

    /** A wrapped link longer than this is not made: it could not stand on a line within 998 octets. */
    static final int MAX_LINK = 990;

    private static final LinkExtractor URLS = LinkExtractor.builder().linkTypes(EnumSet.of(LinkType.URL)).build();

    private final TrackableLinks links;

    /** @param codec with the tracker's bounds: a link it would refuse is not made */
    public TextLinkTracker(LinkCodec codec, String trackingUrl) {
        this.links = new TrackableLinks(codec, trackingUrl);
    }

    /**
     * @param asciiLinksOnly the text is the part's bytes read as ISO-8859-1 (its charset did not hold):
     *                       only URLs that are ASCII there are wrapped, as in HTML
     */
    String track(String text, String messageId, String rcpt, boolean asciiLinksOnly) {
        StringBuilder out = null;
        int at = 0;
        Map<String, String> wrapped = new HashMap<>(); // a message repeats its links: encode each once
        for (LinkSpan span : URLS.extractLinks(text)) {
            int start = span.getBeginIndex();
            int end = span.getEndIndex();
            String url = text.substring(start, end);
            if (!url.regionMatches(true, 0, "http://", 0, 7) && !url.regionMatches(true, 0, "https://", 0, 8)) {
                continue;
            }
            if (asciiLinksOnly && !ascii(url) || runsIntoPlaceholder(text, end) || !links.trackable(url)) {
                continue;
            }
            String link = wrapped.computeIfAbsent(url, u -> links.wrap(u, messageId, rcpt, ""));
            if (link == null || link.length() > MAX_LINK) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 512);
            }
            out.append(text, at, start).append(link);
            at = end;
        }
        return out == null ? text : out.append(text, at, text.length()).toString();
    }

    private static boolean runsIntoPlaceholder(String text, int end) {
        return TrackableLinks.hasPlaceholder(text.subSequence(Math.max(0, end - 1), Math.min(text.length(), end + 2)));
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
