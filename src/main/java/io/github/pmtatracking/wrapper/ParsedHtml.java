package io.github.pmtatracking.wrapper;

import java.util.List;
import org.jsoup.nodes.Comment;
import org.jsoup.nodes.Element;

/**
 * An HTML document as jsoup's tree builder read it, and where in the source text the places
 * {@link HtmlTracker} edits are: the value of each link's href, the end of the body's start tag,
 * the start of its end tag. {@link MarkedHtml} finds them on a plain parse and checks each against
 * jsoup; {@link PositionedHtml} takes them from jsoup's position tracking, for what the marked
 * parse cannot vouch for.
 */
interface ParsedHtml {

    /** What the marked parse cannot place as jsoup would: the document is parsed again with positions. */
    final class Disagreement extends Exception {
        Disagreement(String message) {
            super(message, null, false, false);
        }
    }

    /** The {@code <a>} and {@code <area>} elements, in document order. */
    List<Element> links();

    /** The comments, in document order (Outlook's conditional comments hold links of their own). */
    List<Comment> comments();

    /**
     * The source range {@code [start, end)} of the element's href value as written, or null when
     * none is there to edit: no href, an empty one, or an element the tree builder made again from
     * one already placed (a link left open across a paragraph is one tag in the source).
     */
    int[] hrefValue(Element link) throws Disagreement;

    /** The offset just after the body's start tag, or -1 when the source has none. */
    int afterBodyStartTag() throws Disagreement;

    /** The offset of the end tag that closed the body, or -1 when the source has none. */
    int bodyEndTag() throws Disagreement;

    /** A conditional comment's content, parsed as a document of its own (positions still in the whole source). */
    ParsedHtml commentContent(Comment comment) throws Disagreement;
}
