package io.github.pmtatracking.wrapper;

/**
 * What kept a part of a message from being rewritten as its headers declare it. Such a part (or
 * branch) goes on exactly as received, untracked; only {@link #WRONG_CHARSET} is still tracked,
 * on its bytes. The message keeps its X-Sp-Message-Id either way.
 */
public enum MimeFault {
    /** Broken or unknown transfer encoding (bad base64, bad quoted-printable), or bytes that are no text (NUL). */
    UNDECODABLE_PART("undecodable_part"),
    /** A charset name Java does not know. */
    UNKNOWN_CHARSET("unknown_charset"),
    /** A charset in which ASCII is not simply ASCII (UTF-16, UTF-32, ISO-2022-*, EBCDIC): inserted markup would be wrong bytes. */
    UNSAFE_CHARSET("unsafe_charset"),
    /**
     * Bytes that are not text in the declared charset, an ASCII-compatible one (Latin-1 in a part
     * that says utf-8, UTF-8 cut short, 8-bit bytes under us-ascii): tracked on the bytes read as
     * ISO-8859-1, which come back exactly; links with 8-bit bytes in them are left as written.
     */
    WRONG_CHARSET("wrong_charset"),
    /** Multipart nested deeper than {@link MimeRewriter#MAX_DEPTH}: what is below goes on as received. */
    TOO_DEEP("too_deep"),
    /** A multipart without a boundary parameter, or whose boundary never appears. */
    BROKEN_MULTIPART("broken_multipart"),
    /**
     * A text part larger than the rewrite takes (wrapper.max_tracked_part_size): parsed, its HTML
     * would hold about 20 times its size in memory (a 16 MB part: 300 MB), more than the heap.
     */
    TOO_LARGE("too_large"),
    /** The HTML rewrite of a part failed (a fault of ours, not the sender's): the part goes on as received. */
    REWRITE_FAILED("rewrite_failed");

    private final String label;

    MimeFault(String label) {
        this.label = label;
    }

    /** The name in metrics and logs. */
    public String label() {
        return label;
    }
}
