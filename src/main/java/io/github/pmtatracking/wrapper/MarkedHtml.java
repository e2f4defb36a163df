package io.github.pmtatracking.wrapper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
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
 *   first attribute {@code /zqpmtagN} naming it, one without a value. Only a tag the tokenizer
 *   reads as one gives an element the marker: the same text in a comment, a script, a textarea or
 *   an attribute value stays text there. The marker holds no space, quote, '<', '>', '-', '!', '='
 *   or '&amp;', so it ends no value, tag, comment or raw text it lands in; in another tag's name or
 *   attribute names it adds an attribute of its own name to that tag (the tree builder reads only
 *   input's type, font's color, face and size and annotation-xml's encoding, none of them this). A
 *   '/' after it, as after any attribute name, starts the next attribute; an '=' after spaces
 *   would not read the same, and such a source is not tried.</li>
 *   <li>Each marked element's attributes are then read from the source ({@link StartTagSource})
 *   and must be the ones jsoup gave it, name for name and value for value; an element the tree
 *   builder made again from a tag already placed (a link left open across a paragraph) is left to
 *   the first.</li>
 *   <li>Before the body's start tag goes a {@code <meta/zqpmbeforebody>}, and before its end tag an
 *   empty {@code <zqpmbodyend>}. Only where they land shows that the start tag made the body (the
 *   meta is in the head: there was no body yet) and that the end tag closed it (in no table, cell,
 *   template, noscript or foreign content); the source may have one of each. These are tags with a
 *   '>': each must come back as an element, since one that landed in another tag's attribute ended
 *   that tag early; every place an element can land otherwise is checked, and a document with a
 *   frameset (which a marker element would keep from replacing the body) is not tried.</li>
 * </ul>
 * Anything else (two body start tags, a marker missing or doubled, an attribute read otherwise) is
 * a {@link Disagreement}, and the caller parses again with jsoup's positions.
 */
final class MarkedHtml implements ParsedHtml {

    /** What every marker's name starts with: a source that has it anywhere, in any case, is not tried. */
    static final String PREFIX = "zqpm";
    static final String MARK = PREFIX + "tag";
    /** Before the body start tag: a meta goes into the head while there is no body yet, else where the body is. */
    static final String BEFORE_BODY_ATTRIBUTE = PREFIX + "beforebody";
    static final String BEFORE_BODY = "<meta/" + BEFORE_BODY_ATTRIBUTE + ">";
    static final String BODY_END = PREFIX + "bodyend";
    private static final String[] START_TAGS = {"a", "area", "body"};
    /**
     * Where a {@code </body>} does not close the body: default scope boundaries, table parts,
     * template, select, and noscript (jsoup reads no body end in one). Inside foreign content
     * neither, nor in an open table, whose foster children (what a table may not hold) go just
     * before it: a table after the marker or after one of its ancestors is taken for one.
     */
    private static final Set<String> NOT_CLOSING_BODY = Set.of("applet", "caption", "marquee", "object", "table", "tbody",
            "thead", "tfoot", "tr", "td", "th", "template", "select", "colgroup", "noscript");

    /** The tags found in the whole source, shared by the document and its comments' contents. */
    private static final class SourceTags {
        final String html;
        int[] nameEnds = new int[32]; // per marked start tag: the offset after its name
        int count;
        int bodyStartTags;
        int bodyEndTags;
        int bodyEnd = -1;
        int firstHtmlEnd = -1;
        boolean frameset;
        boolean equalsAfterName;
        final BitSet placed = new BitSet();
        final String marked;

        private record Insert(int at, String text) {
        }

        SourceTags(String html) {
            this.html = html;
            List<Insert> inserts = new ArrayList<>();
            for (int lt = html.indexOf('<'); lt >= 0; lt = html.indexOf('<', lt + 1)) {
                if (lt + 1 < html.length() && html.charAt(lt + 1) == '/') {
                    if (nameEnd(html, lt + 2, "body") > 0) {
                        bodyEndTags++;
                        bodyEnd = lt;
                        inserts.add(new Insert(lt, element(BODY_END)));
                    } else if (firstHtmlEnd < 0 && nameEnd(html, lt + 2, "html") > 0) {
                        firstHtmlEnd = lt;
                    }
                    continue;
                }
                frameset |= nameEnd(html, lt + 1, "frameset") > 0;
                for (String name : START_TAGS) {
                    int end = nameEnd(html, lt + 1, name);
                    if (end > 0) {
                        if (count == nameEnds.length) {
                            nameEnds = Arrays.copyOf(nameEnds, count * 2);
                        }
                        nameEnds[count] = end;
                        // "/zqpmtagN": no space, quote or '>' to end a value it lands in, and no value of its
                        // own for a '/' after it to join (a '/' after a name starts the next attribute)
                        inserts.add(new Insert(end, "/" + MARK + count++));
                        int next = end;
                        while (next < html.length() && StartTagSource.whitespace(html.charAt(next))) {
                            next++;
                        }
                        // an '=' there would give the marker a value, where after the tag's name it starts a
                        // name and after another tag's attribute name a value: no marker reads as both
                        equalsAfterName |= next > end && next < html.length() && html.charAt(next) == '=';
                        if (name.equals("body")) {
                            bodyStartTags++;
                            inserts.add(new Insert(lt, BEFORE_BODY));
                        }
                        break;
                    }
                }
            }
            if (inserts.isEmpty()) {
                marked = html;
                return;
            }
            inserts.sort(Comparator.comparingInt(Insert::at)); // the meta before a body tag was found after its marker
            StringBuilder sb = new StringBuilder(html.length() + 20 * inserts.size());
            int copied = 0;
            for (Insert i : inserts) {
                sb.append(html, copied, i.at()).append(i.text());
                copied = i.at();
            }
            marked = sb.append(html, copied, html.length()).toString();
        }

        /** An empty element, closed at once: it holds nothing that follows it. */
        private static String element(String name) {
            return "<" + name + "></" + name + ">";
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
    private int bodyStartMarkers;

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
                } else if (name.equals("meta") && e.hasAttr(BEFORE_BODY_ATTRIBUTE)) {
                    bodyStartMarkers++;
                }
            } else if (node instanceof Comment c) {
                comments.add(c);
            }
        }, doc);
    }

    static MarkedHtml parse(String html) throws Disagreement {
        if (mentions(html, PREFIX)) {
            throw new Disagreement("the source has the markers' own names in it");
        }
        SourceTags tags = new SourceTags(html);
        if (tags.equalsAfterName) {
            throw new Disagreement("an '=' after a marked tag's name and spaces");
        }
        if (tags.frameset) {
            // a frameset replaces the body only while nothing is in it: a marker element would be something
            throw new Disagreement("a frameset tag");
        }
        MarkedHtml doc = new MarkedHtml(tags, tags.marked);
        // a marker element that is no element is in a comment, raw text or another tag: its '>' may
        // have ended that tag early, and the rest of the marked text reads otherwise than the source
        if (doc.bodyStartMarkers != tags.bodyStartTags || doc.bodyEndMarkers.size() != tags.bodyEndTags) {
            throw new Disagreement("a body tag's marker is not an element of its own");
        }
        return doc;
    }

    /** Whether the text holds the word in any case (an ASCII word starting with a letter). */
    private static boolean mentions(String text, String word) {
        for (char first : new char[] {word.charAt(0), Character.toUpperCase(word.charAt(0))}) {
            for (int at = text.indexOf(first); at >= 0; at = text.indexOf(first, at + 1)) {
                if (text.regionMatches(true, at, word, 0, word.length())) {
                    return true;
                }
            }
        }
        return false;
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
        if (!marker(body).startsWith(MARK)) {
            return -1; // made by the tree builder: no body tag in the source
        }
        if (source.bodyStartTags != 1) {
            throw new Disagreement(source.bodyStartTags + " body start tags: their attributes merge");
        }
        Element head = doc.head();
        // exactly the meta put there: one whose '>' closed a tag of the source early carries that tag's attributes too
        if (head == null || head.children().stream().filter(e -> e.normalName().equals("meta") && e.attributesSize() == 1
                && e.hasAttr(BEFORE_BODY_ATTRIBUTE)).count() != 1) {
            throw new Disagreement("the body was made before its start tag, which only added attributes");
        }
        return sourceAttributes(body, tagOf(body)).end();
    }

    @Override
    public int bodyEndTag() throws Disagreement {
        if (source.bodyEndTags == 0) {
            if (source.firstHtmlEnd >= 0) {
                throw new Disagreement("an html end tag and no body end tag: the html end tag may have closed the body");
            }
            return -1;
        }
        if (StartTagSource.read(source.html, source.bodyEnd + "</body".length()) == null) {
            throw new Disagreement("the source ends inside the body end tag, which is then no tag");
        }
        if (source.bodyEndTags > 1 || bodyEndMarkers.size() != 1) {
            throw new Disagreement(source.bodyEndTags + " body end tags, " + bodyEndMarkers.size() + " read as one");
        }
        if (source.firstHtmlEnd >= 0 && source.firstHtmlEnd < source.bodyEnd) {
            throw new Disagreement("an html end tag before the body end tag: that one closed the body");
        }
        if (doc.head() != null && doc.head().children().stream().anyMatch(e -> e.normalName().equals("noscript"))) {
            throw new Disagreement("a noscript in the head, in which a body end tag is ignored");
        }
        Element body = body();
        for (Element x = bodyEndMarkers.get(0); x != body; x = x.parent()) {
            if (x == null || !Parser.NamespaceHtml.equals(x.tag().namespace())
                    || x != bodyEndMarkers.get(0) && NOT_CLOSING_BODY.contains(x.normalName())) {
                throw new Disagreement("the body end tag is where it does not close the body");
            }
            for (Element next = x.nextElementSibling(); next != null; next = next.nextElementSibling()) {
                if (next.normalName().equals("table")) { // an open table's foster child goes just before it
                    throw new Disagreement("the body end tag is where a table may be open");
                }
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

    /** The element's first attribute's name, where a marked tag has its marker; "" without attributes. */
    private static String marker(Element e) {
        if (e.attributesSize() == 0) {
            return "";
        }
        Iterator<Attribute> all = e.attributes().iterator();
        return all.hasNext() ? all.next().getKey() : "";
    }

    private int tagOf(Element e) throws Disagreement {
        String mark = marker(e);
        if (mark.startsWith(MARK) && mark.length() > MARK.length() && mark.length() < MARK.length() + 10) {
            int tag = 0;
            for (int i = MARK.length(); i < mark.length() && tag >= 0; i++) {
                char c = mark.charAt(i);
                tag = c >= '0' && c <= '9' ? tag * 10 + (c - '0') : -1; // ASCII digits only, as written
            }
            if (tag >= 0 && tag < source.count) {
                return tag;
            }
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
        Set<String> names = new HashSet<>(); // a tag may hold thousands: no scan of the list per name
        for (StartTagSource.Attribute a : read.attributes()) {
            if (names.add(a.name())) {
                own.add(a);
            }
        }
        int i = 0;
        boolean marker = true;
        for (Attribute a : e.attributes()) {
            if (marker) {
                marker = false;
                continue; // the marker, first (tagOf read it)
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
