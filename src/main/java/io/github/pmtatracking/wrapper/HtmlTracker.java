package io.github.pmtatracking.wrapper;

import io.github.pmtatracking.link.ClickTarget;
import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.link.TrackingLink;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.jsoup.nodes.Comment;
import org.jsoup.nodes.Element;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds engagement tracking to an HTML document while leaving every byte it does not change as it
 * was: jsoup parses it, and only the new href values and the pixels are spliced into the original
 * text, at the positions {@link MarkedHtml} finds on a plain parse and checks against jsoup (at half
 * the cost of jsoup's position tracking), or {@link PositionedHtml} takes from jsoup's position
 * tracking where the marked parse cannot vouch for one ({@link #positionedParses()}).
 *
 * <ul>
 *   <li>The href of {@code <a>} and {@code <area>} is wrapped when it is http or https, also inside
 *   Outlook conditional comments ({@code <!--[if mso]>}); mailto:, tel:, #anchors, empty values,
 *   template placeholders, links already at the tracking URL and {@code data-msys-clicktrack="0"}
 *   are left alone. Entities are decoded first: {@code &amp;} in the HTML is {@code &} in the target.
 *   The target is the href as a browser reads it ({@link ClickTarget#ofHref}: TAB, CR and LF
 *   dropped), and only a target the tracker redirects to ({@link ClickTarget#unsafe}) in a link
 *   within the tracker's size bounds is wrapped, so a wrapped link never loses its click.
 *   {@code data-msys-linkname} travels in the link.</li>
 *   <li>The open pixel goes just before {@code </body>} (appended without a body end tag); the
 *   initial-open pixel just after {@code <body ...>}, in the original's hidden-div form.</li>
 * </ul>
 */
public final class HtmlTracker {

    private static final Logger LOG = LoggerFactory.getLogger(HtmlTracker.class);

    private final LinkCodec codec;
    private final String trackingUrl;
    private final TrackableLinks links;
    private final boolean open;
    private final boolean initialOpen;
    private final boolean click;
    private final boolean trapLink;
    private final LongAdder positionedParses = new LongAdder();

    public HtmlTracker(LinkCodec codec, String trackingUrl, boolean open, boolean initialOpen, boolean click) {
        this(codec, trackingUrl, open, initialOpen, click, false);
    }

    /** @param trapLink with click: one link no person sees or can click, at the end of the body (-track_trap_link) */
    public HtmlTracker(LinkCodec codec, String trackingUrl, boolean open, boolean initialOpen, boolean click, boolean trapLink) {
        this.trapLink = trapLink && click;
        this.codec = codec;
        this.links = new TrackableLinks(codec, trackingUrl);
        this.trackingUrl = links.trackingUrl();
        this.open = open;
        this.initialOpen = initialOpen;
        this.click = click;
    }

    private record Edit(int start, int end, String text) {
    }

    public String track(String html, String messageId, String rcpt) {
        return track(html, messageId, rcpt, false);
    }

    /**
     * @param asciiLinksOnly the text is a part's bytes read as ISO-8859-1 because its charset did not
     *                       hold: a link with other bytes in its source may mean something else to the
     *                       recipient's client, so only links whose source text is ASCII are wrapped
     */
    public String track(String html, String messageId, String rcpt, boolean asciiLinksOnly) {
        List<Edit> edits;
        try {
            edits = edits(MarkedHtml.parse(html), html, messageId, rcpt, asciiLinksOnly);
        } catch (ParsedHtml.Disagreement d) {
            positionedParses.increment();
            LOG.debug("HTML parsed again with positions: {}", d.getMessage());
            edits = positionedEdits(html, messageId, rcpt, asciiLinksOnly);
        }
        return edits.isEmpty() ? html : splice(html, edits);
    }

    /** The same with jsoup's position tracking alone: what the marked parse is checked against. */
    String trackPositioned(String html, String messageId, String rcpt) {
        List<Edit> edits = positionedEdits(html, messageId, rcpt, false);
        return edits.isEmpty() ? html : splice(html, edits);
    }

    /** How many documents the marked parse could not place as jsoup would, and were parsed again with positions. */
    public long positionedParses() {
        return positionedParses.sum();
    }

    private List<Edit> positionedEdits(String html, String messageId, String rcpt, boolean asciiLinksOnly) {
        try {
            return edits(PositionedHtml.parse(html), html, messageId, rcpt, asciiLinksOnly);
        } catch (ParsedHtml.Disagreement d) {
            throw new IllegalStateException("jsoup's own positions cannot disagree", d);
        }
    }

    private List<Edit> edits(ParsedHtml doc, String html, String messageId, String rcpt, boolean asciiLinksOnly)
            throws ParsedHtml.Disagreement {
        List<Edit> edits = new ArrayList<>();
        if (click) {
            Map<String, String> wrapped = new HashMap<>(); // a message repeats its links: encode each once
            wrapLinks(html, doc, messageId, rcpt, asciiLinksOnly, edits, wrapped);
            if (html.contains("<!--[") || html.contains("<!-- [")) { // only then can there be conditional comments
                for (Comment c : doc.comments()) {
                    if (isConditional(c.getData())) {
                        // conditional comments are text to the parser: parse their content on its own
                        wrapLinks(html, doc.commentContent(c), messageId, rcpt, asciiLinksOnly, edits, wrapped);
                    }
                }
            }
        }
        if (initialOpen) {
            int at = Math.max(doc.afterBodyStartTag(), 0);
            edits.add(new Edit(at, at, initialOpenPixel(messageId, rcpt)));
        }
        if (open || trapLink) {
            int end = doc.bodyEndTag();
            int at = end >= 0 ? end : html.length();
            edits.add(new Edit(at, at, (trapLink ? trapLink(messageId, rcpt) : "") + (open ? openPixel(messageId, rcpt) : "")));
        }
        return edits;
    }

    /**
     * The text with each edit's range replaced, built front to back in one pass (replacing in place
     * from the back moved the rest of the document once per edit). Edits at one position go in
     * the reverse of the order they were made, as those in-place insertions placed them.
     */
    private static String splice(String html, List<Edit> edits) {
        List<Edit> ordered = new ArrayList<>(edits);
        Collections.reverse(ordered); // the sort is stable: edits at one position stay latest first
        ordered.sort(Comparator.comparingInt(Edit::start));
        int extra = 0;
        for (Edit e : ordered) {
            extra += e.text().length();
        }
        StringBuilder sb = new StringBuilder(html.length() + extra);
        int at = 0;
        for (Edit e : ordered) {
            sb.append(html, at, e.start()).append(e.text());
            at = e.end();
        }
        return sb.append(html, at, html.length()).toString();
    }

    /** An Outlook conditional comment that holds a link (the others need no second parse). */
    private static boolean isConditional(String data) {
        String t = data.stripLeading();
        return t.regionMatches(true, 0, "[if", 0, 3) && data.toLowerCase(Locale.ROOT).contains("href");
    }

    private void wrapLinks(String html, ParsedHtml doc, String messageId, String rcpt, boolean asciiLinksOnly,
                           List<Edit> edits, Map<String, String> wrapped) throws ParsedHtml.Disagreement {
        for (Element a : doc.links()) {
            if ("0".equals(a.attr("data-msys-clicktrack").trim())) {
                continue;
            }
            int[] value = doc.hrefValue(a);
            if (value == null) {
                continue;
            }
            int start = value[0];
            int end = value[1];
            if (asciiLinksOnly && !ascii(html, start, end)) {
                continue;
            }
            String target = ClickTarget.ofHref(a.attr("href")); // entities decoded: &amp; is &
            if (!links.trackable(target)) {
                continue;
            }
            String name = a.attr("data-msys-linkname").trim();
            String link = wrapped.computeIfAbsent(target + '\u0000' + name, k -> wrap(target, messageId, rcpt, name));
            if (link == null) {
                continue; // longer than the tracker takes: the click would be lost
            }
            edits.add(new Edit(start, end, link));
        }
    }

    /** The wrapped link as an attribute value, or null when the tracker would refuse it. */
    private String wrap(String target, String messageId, String rcpt, String name) {
        String link = links.wrap(target, messageId, rcpt, name);
        return link == null ? null : attributeValue(link);
    }

    private static boolean ascii(String s, int start, int end) {
        for (int i = start; i < end; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private String openPixel(String messageId, String rcpt) {
        String url = codec.encode(trackingUrl, TrackingLink.open(messageId, rcpt));
        return "<img border=\"0\" width=\"1\" height=\"1\" alt=\"\" src=\"" + attributeValue(url) + "\">\n";
    }

    /**
     * A link with no text, hidden every way a mail client honours, out of the tab order and of
     * screen readers: only a machine that follows every href of a message follows it. It leads to
     * the tracking URL itself.
     */
    private String trapLink(String messageId, String rcpt) {
        String url = codec.encode(trackingUrl, TrackingLink.click(trackingUrl + "/", messageId, rcpt).withLinkName(TrackingLink.TRAP_LINK_NAME));
        return "<a href=\"" + attributeValue(url) + "\" tabindex=\"-1\" aria-hidden=\"true\" style=\"display:none!important;"
                + "visibility:hidden;font-size:0px;line-height:0px;max-height:0px;overflow:hidden;mso-hide:all;\"></a>\n";
    }

    private String initialOpenPixel(String messageId, String rcpt) {
        String url = codec.encode(trackingUrl, TrackingLink.initialOpen(messageId, rcpt));
        return "<div style=\"color:transparent;visibility:hidden;opacity:0;font-size:0px;border:0;max-height:1px;width:1px;"
                + "margin:0px;padding:0px;border-width:0px!important;display:none!important;line-height:0px!important;\">"
                + "<img border=\"0\" width=\"1\" height=\"1\" src=\"" + attributeValue(url) + "\"/></div>\n";
    }

    /** A value for a quoted attribute: the characters HTML would read otherwise escaped. */
    private static String attributeValue(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
