package io.github.pmtatracking.wrapper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Comment;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;
import org.jsoup.select.NodeTraversor;

/**
 * The edit positions from jsoup's plain parse, at half the cost of its position tracking (342
 * against 152 us for example.eml's HTML, 2026-12-07): which tags became which elements is learnt by
 * marking the source, and where they are by reading it, each checked against jsoup.
 *
 * <ul>
 *   <li>Every {@code <a}, {@code <area} and {@code <body} followed by what ends a tag name gets a
 *   first attribute {@code pmtatag=N} naming it, and every {@code </body} a {@code <pmtabodyend>}
 *   element just before it. Only a tag the tokenizer reads as one gives an element the marker:
 *   the same text in a comment, a script, a textarea or an attribute value stays text there. The
 *   markers hold no quote, '<', '>', '-', '!' or '/', so they change no other token: the marked
 *   text parses as the source does, plus the markers.</li>
 *   <li>Each marked element's attributes are then read from the source ({@link StartTagSource})
 *   and must be the ones jsoup gave it, name for name and value for value; an element the tree
 *   builder made again from a tag already placed (a link left open across a paragraph) is left to
 *   the first.</li>
 *   <li>The body's end tag is placed only when the source has one {@code </body} and its marker
 *   element stands where that end tag closes the body: in no table, cell, template or foreign
 *   content.</li>
 * </ul>
 * Anything else (two body start tags, a marker missing or doubled, an attribute read otherwise) is
 * a {@link Disagreement}, and the caller parses again with jsoup's positions.
 */
final class MarkedHtml implements ParsedHtml {

    static final String MARK = "pmtatag";
    static final String BODY_END = "pmtabodyend";
    private static final String[] START_TAGS = {"a", "area", "body"};
    /** Where a {@code </body>} does not close the body (default scope boundaries, table parts, template). */
    private static final Set<String> NOT_CLOSING_BODY = Set.of("applet", "caption", "marquee", "object", "table", "tbody",
            "thead", "tfoot", "tr", "td", "th", "template", "select", "colgroup", "frameset");

    /** The tags found in the whole source, shared by the document and its comments' contents. */
    private static final class SourceTags {
        final String html;
        int[] nameEnds = new int[32]; // per marked start tag: the offset after its name
        int count;
        int bodyStartTags;
        int bodyEndTags;
        int bodyEnd = -1;
        final BitSet placed = new BitSet();
        final String marked;

        SourceTags(String html) {
            this.html = html;
            StringBuilder sb = null;
            int copied = 0;
            for (int lt = html.indexOf('<'); lt >= 0; lt = html.indexOf('<', lt + 1)) {
                if (lt + 1 < html.length() && html.charAt(lt + 1) == '/') {
                    if (nameEnd(html, lt + 2, "body") > 0) {
                        bodyEndTags++;
                        bodyEnd = lt;
                        sb = copy(sb, html, copied, lt).append('<').append(BODY_END).append('>');
                        copied = lt;
                    }
                    continue;
                }
                for (String name : START_TAGS) {
                    int end = nameEnd(html, lt + 1, name);
                    if (end > 0) {
                        if (count == nameEnds.length) {
                            nameEnds = Arrays.copyOf(nameEnds, count * 2);
                        }
                        nameEnds[count] = end;
                        bodyStartTags += name.equals("body") ? 1 : 0;
                        // a space after the marker: a '/' right after an unquoted value would join it
                        sb = copy(sb, html, copied, end).append(' ').append(MARK).append('=').append(count++).append(' ');
                        copied = end;
                        break;
                    }
                }
            }
            marked = sb == null ? html : copy(sb, html, copied, html.length()).toString();
        }

        private static StringBuilder copy(StringBuilder sb, String html, int from, int to) {
            return (sb == null ? new StringBuilder(html.length() + 1024) : sb).append(html, from, to);
        }

        /** The offset after the tag name at {@code at} when it is {@code name} (ASCII case-insensitive) and ends there, else -1. */
        private static int nameEnd(String s, int at, String name) {
            int end = at + name.length();
            if (end >= s.length()) {
                return -1; // the source ends in the tag: the tokenizer drops it
            }
            for (int i = 0; i < name.length(); i++) {
                char c = s.charAt(at + i);
                if ((c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) != name.charAt(i)) {
                    return -1;
                }
            }
            char after = s.charAt(end);
            return StartTagSource.whitespace(after) || after == '/' || after == '>' ? end : -1;
        }
    }

    private final SourceTags source;
    private final Document doc;
    private final List<Element> links = new ArrayList<>();
    private final List<Comment> comments = new ArrayList<>();
    private final List<Element> bodyEndMarkers = new ArrayList<>();

    private MarkedHtml(SourceTags source, String marked) {
        this.source = source;
        this.doc = Jsoup.parse(marked, "", Parser.htmlParser());
        NodeTraversor.traverse((node, depth) -> {
            if (node instanceof Element e) {
                String name = e.normalName();
                if (name.equals("a") || name.equals("area")) {
                    links.add(e);
                } else if (name.equals(BODY_END)) {
                    bodyEndMarkers.add(e);
                }
            } else if (node instanceof Comment c) {
                comments.add(c);
            }
        }, doc);
    }

    static MarkedHtml parse(String html) {
        SourceTags tags = new SourceTags(html);
        return new MarkedHtml(tags, tags.marked);
    }

    @Override
    public List<Element> links() {
        return links;
    }

    @Override
    public List<Comment> comments() {
        return comments;
    }

    @Override
    public int[] hrefValue(Element link) throws Disagreement {
        int tag = tagOf(link);
        if (source.placed.get(tag)) {
            return null;
        }
        source.placed.set(tag);
        for (StartTagSource.Attribute a : sourceAttributes(link, tag).attributes()) {
            if (a.name().equals("href")) { // the first: a repeated href is dropped, as jsoup drops it
                return a.valueStart() == a.valueEnd() ? null : new int[] {a.valueStart(), a.valueEnd()};
            }
        }
        return null;
    }

    @Override
    public int afterBodyStartTag() throws Disagreement {
        Element body = body();
        if (!body.hasAttr(MARK)) {
            return -1; // made by the tree builder: no body tag in the source
        }
        if (source.bodyStartTags != 1) {
            throw new Disagreement(source.bodyStartTags + " body start tags: their attributes merge");
        }
        return sourceAttributes(body, tagOf(body)).end();
    }

    @Override
    public int bodyEndTag() throws Disagreement {
        if (source.bodyEndTags == 0) {
            return -1;
        }
        if (source.bodyEndTags > 1 || bodyEndMarkers.size() != 1) {
            throw new Disagreement(source.bodyEndTags + " body end tags, " + bodyEndMarkers.size() + " read as one");
        }
        Element marker = bodyEndMarkers.get(0);
        Element body = body();
        Element next = marker.nextElementSibling();
        if (next != null && next.normalName().equals("table")) {
            throw new Disagreement("the body end tag is in a table (its marker went before it)");
        }
        for (Element p = marker.parent(); p != body; p = p.parent()) {
            if (p == null || NOT_CLOSING_BODY.contains(p.normalName()) || !Parser.NamespaceHtml.equals(p.tag().namespace())) {
                throw new Disagreement("the body end tag is where it does not close the body");
            }
        }
        return source.bodyEnd;
    }

    @Override
    public ParsedHtml commentContent(Comment comment) {
        return new MarkedHtml(source, comment.getData()); // the markers in it name tags of the whole source
    }

    private Element body() throws Disagreement {
        Element body = doc.body();
        if (body == null || !body.normalName().equals("body")) {
            throw new Disagreement("no body element (a frameset)");
        }
        return body;
    }

    private int tagOf(Element e) throws Disagreement {
        String mark = e.attr(MARK);
        try {
            int tag = Integer.parseInt(mark);
            if (tag >= 0 && tag < source.count) {
                return tag;
            }
        } catch (NumberFormatException e1) {
            // below
        }
        throw new Disagreement("a " + e.normalName() + " element without a marker of a source tag");
    }

    /** The source tag's attributes, checked to be the element's (its marker aside). */
    private StartTagSource.Tag sourceAttributes(Element e, int tag) throws Disagreement {
        StartTagSource.Tag read = StartTagSource.read(source.html, source.nameEnds[tag]);
        if (read == null) {
            throw new Disagreement("the source ends inside a tag that became an element");
        }
        List<StartTagSource.Attribute> own = new ArrayList<>(read.attributes().size());
        for (StartTagSource.Attribute a : read.attributes()) {
            if (own.stream().noneMatch(o -> o.name().equals(a.name()))) {
                own.add(a);
            }
        }
        int i = 0;
        for (Attribute a : e.attributes()) {
            if (i == 0 && a.getKey().equals(MARK)) {
                continue; // the marker is the first attribute
            }
            if (i >= own.size() || !own.get(i).name().equals(a.getKey()) || !decoded(own.get(i)).equals(a.getValue())) {
                throw new Disagreement("a " + e.normalName() + " tag's attributes read otherwise than jsoup read them");
            }
            i++;
        }
        if (i != own.size()) {
            throw new Disagreement("a " + e.normalName() + " tag's attributes read otherwise than jsoup read them");
        }
        return read;
    }

    /** The value as jsoup reads it: character references decoded (only looked for where there is an '&'). */
    private String decoded(StartTagSource.Attribute a) {
        String raw = source.html.substring(a.valueStart(), a.valueEnd());
        return raw.indexOf('&') < 0 ? raw : Parser.unescapeEntities(raw, true);
    }
}
