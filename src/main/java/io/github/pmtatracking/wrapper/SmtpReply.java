package io.github.pmtatracking.wrapper;

import io.netty.handler.codec.smtp.SmtpResponse;
import java.util.ArrayList;
import java.util.List;

/** An SMTP reply: a code and one or more lines of text, relayed as the upstream wrote them. */
public record SmtpReply(int code, List<String> lines) {

    public static SmtpReply of(int code, String text) {
        return new SmtpReply(code, List.of(text));
    }

    static SmtpReply from(SmtpResponse r) {
        List<String> lines = new ArrayList<>();
        for (CharSequence d : r.details()) {
            lines.add(d.toString());
        }
        if (lines.isEmpty()) {
            lines.add("");
        }
        return new SmtpReply(r.code(), lines);
    }

    public boolean positive() {
        return code >= 200 && code < 400;
    }

    /** The first line's text. */
    public String text() {
        return lines.get(0);
    }

    /** As sent on the wire: {@code 250-first}, ..., {@code 250 last}, each ended by CRLF. */
    public String toWire() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i)).append("\r\n");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return code + " " + String.join(" / ", lines);
    }
}
