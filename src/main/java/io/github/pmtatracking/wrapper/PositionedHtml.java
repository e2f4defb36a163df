package io.github.pmtatracking.wrapper;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Comment;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Range;
import org.jsoup.parser.Parser;
import org.jsoup.select.NodeTraversor;

/** The positions from jsoup's own source tracking: exact for every document, at twice the parse's cost. */
final class PositionedHtml implements ParsedHtml {

    private final Document doc;
    private final int offset;
    private final List<Element> links = new ArrayList<>();
    private final List<Comment> comments = new ArrayList<>();
    private final Set<Integer> placed; // value starts already edited: a clone of a link shares its source range

    private PositionedHtml(String html, int offset, Set<Integer> placed) {
        this.doc = Jsoup.parse(html, "", Parser.htmlParser().setTrackPosition(true));
        this.offset = offset;
        this.placed = placed;
        NodeTraversor.traverse((node, depth) -> {
            if (node instanceof Element e && (e.normalName().equals("a") || e.normalName().equals("area"))) {
                links.add(e);
            } else if (node instanceof Comment c) {
                comments.add(c);
            }
        }, doc);
    }

    static PositionedHtml parse(String html) {
        return new PositionedHtml(html, 0, new HashSet<>());
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
    public int[] hrefValue(Element link) {
        Attribute href = link.attribute("href");
        Range value = href == null ? null : href.sourceRange().valueRange();
        if (value == null || !value.isTracked() || value.startPos() == value.endPos() || !placed.add(offset + value.startPos())) {
            return null;
        }
        return new int[] {offset + value.startPos(), offset + value.endPos()};
    }

    @Override
    public int afterBodyStartTag() {
        Range start = doc.body().sourceRange();
        return start.isTracked() && !start.isImplicit() ? offset + start.endPos() : -1;
    }

    @Override
    public int bodyEndTag() {
        Range end = doc.body().endSourceRange();
        return end.isTracked() && !end.isImplicit() ? offset + end.startPos() : -1;
    }

    /**
     * A conditional comment's data starts after its {@code <!--}. A bogus comment ({@code <?...>},
     * {@code <!x...>}) starts 2 characters in, but it ends at its first '>', so it never holds a
     * whole tag, and no link of it is edited.
     */
    @Override
    public ParsedHtml commentContent(Comment comment) {
        return new PositionedHtml(comment.getData(), offset + comment.sourceRange().startPos() + "<!--".length(), placed);
    }
}
