package io.github.pmtatracking.wrapper;

import static io.github.pmtatracking.wrapper.Rewritten.crlf;
import static io.github.pmtatracking.wrapper.Rewritten.links;
import static io.github.pmtatracking.wrapper.Rewritten.s;
import static io.github.pmtatracking.wrapper.Rewritten.withoutId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * X-Sp-Message-Id is what PowerMTA's accounting joins on: it is added to every message with a
 * header block, whatever the body walk meets (MIME nested past the limit, a multipart without its
 * boundary), and that part of the body goes on as received.
 */
class MessageIdRegardlessOfBodyTest {

    private final HtmlTracker tracker = new HtmlTracker(Rewritten.CODEC, Rewritten.URL, true, false, true);
    private final EngagementTracking tracking = new EngagementTracking(tracker, EngagementTracking.MultiRecipient.TRACKED);

    /** An HTML part inside {@code levels} multiparts: the message is level 0, so the HTML part is at depth {@code levels}. */
    static String nested(int levels, String html) {
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (int i = 0; i < levels; i++) {
            open.append(i == 0 ? "From: a@example.com\nSubject: deep\n" : "--b" + (i - 1) + "\n")
                    .append("Content-Type: multipart/mixed; boundary=b").append(i).append("\n\n");
            close.insert(0, "\n--b" + i + "--" + (i == 0 ? "\n" : ""));
        }
        String leaf = (levels == 0 ? "From: a@example.com\n" : "--b" + (levels - 1) + "\n") + "Content-Type: text/html\n\n" + html;
        return open + leaf + close;
    }

    @Test
    void mimeNestedDeeperThanTheLimitGetsItsIdAndGoesOnByteForByte() throws Exception {
        byte[] in = crlf(nested(MimeRewriter.MAX_DEPTH + 1, "<a href=\"https://deep.example/\">deep</a>"));
        String out = s(tracking.rewrite(in, List.of("r@example.com")));
        assertEquals(s(in), withoutId(out));
    }

    @Test
    void atTheLimitThePartIsStillTracked() throws Exception {
        byte[] in = crlf(nested(MimeRewriter.MAX_DEPTH, "<a href=\"https://deep.example/\">deep</a>"));
        String out = s(tracking.rewrite(in, List.of("r@example.com")));
        assertEquals("https://deep.example/", links(out).get(0).link().targetUrl());
    }

    @Test
    void aShallowPartBesideATooDeepBranchIsTracked() throws Exception {
        String deep = nested(MimeRewriter.MAX_DEPTH + 5, "<a href=\"https://deep.example/\">deep</a>");
        String deepBody = deep.substring(deep.indexOf("\n\n") + 2);
        String mail = "From: a@example.com\nContent-Type: multipart/mixed; boundary=top\n\n"
                + "--top\nContent-Type: text/html\n\n<a href=\"https://shallow.example/\">s</a>\n"
                + "--top\nContent-Type: multipart/mixed; boundary=b0\n\n" + deepBody + "\n--top--\n";
        String out = withoutId(s(tracking.rewrite(crlf(mail), List.of("r@example.com"))));
        assertEquals("https://shallow.example/", links(out).get(0).link().targetUrl());
        assertTrue(out.contains(s(crlf(deepBody))), "the deep branch as received");
    }

    @Test
    void aMultipartWithoutItsBoundaryGetsItsIdAndGoesOnByteForByte() throws Exception {
        for (String mail : List.of(
                "Subject: x\nContent-Type: multipart/mixed\n\n<a href=\"https://a.example/\">a</a>\n",
                "Subject: x\nContent-Type: multipart/mixed; boundary=nowhere\n\n--elsewhere\n\n<a href=\"https://a.example/\">a</a>\n")) {
            byte[] in = crlf(mail);
            assertEquals(s(in), withoutId(s(tracking.rewrite(in, List.of("r@example.com")))), mail);
        }
    }

    @Test
    void withoutATrackingUrlEveryMessageGetsOnlyItsId() throws Exception {
        EngagementTracking idOnly = new EngagementTracking(null, EngagementTracking.MultiRecipient.TRACKED);
        byte[] deep = crlf(nested(MimeRewriter.MAX_DEPTH + 3, "<a href=\"https://deep.example/\">deep</a>"));
        byte[] latin1 = crlf("Content-Type: text/html; charset=utf-8\n\n<p>caf\u00e9</p><a href=\"https://a.example/\">a</a>\n");
        assertEquals(s(deep), withoutId(s(idOnly.rewrite(deep, List.of("r@example.com")))));
        assertEquals(s(latin1), withoutId(s(idOnly.rewrite(latin1, List.of("r@example.com")))));
        assertEquals(0, idOnly.faults(MimeFault.TOO_DEEP) + idOnly.faults(MimeFault.WRONG_CHARSET), "the body is not walked");
    }

    @Test
    void aMessageOfHeadersOnlyGetsItsIdAsTheLastHeader() {
        byte[] in = crlf("Subject: no body\nFrom: a@example.com\n");
        String out = s(tracking.rewrite(in, List.of("r@example.com")));
        assertTrue(out.matches("Subject: no body\r\nFrom: a@example.com\r\nX-Sp-Message-Id: 0000[0-9a-f]{16}\r\n"), out);
    }
}
