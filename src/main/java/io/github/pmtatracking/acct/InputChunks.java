package io.github.pmtatracking.acct;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lines of a pipe in chunks of what has already arrived (at least one line, at most
 * {@code maxLines}), each chunk a text of whole lines, so a chunk never waits for input that has
 * not come. One CSV parse per chunk instead of per line: building camel-csv's parser for each line
 * cost a third of acct_etl's time.
 *
 * <p>A line holding a double quote comes in a chunk of its own. PowerMTA writes one record per
 * line; alone, a quote left open on a line is that line's broken record and cannot run on into the
 * next lines as a multi-line field. Lines without a quote cannot span lines at all.
 *
 * <p>{@link #hasNext()} never blocks: Camel's splitter asks it before it processes the chunk in
 * hand, and a blocking answer would hold that chunk until more input came (on a quiet pipe, for
 * minutes). So it is true until end of input has been seen, and {@link #next()} returns null at end
 * of input, which the splitter skips. A byte-order mark before the first line is removed and logged.
 */
final class InputChunks implements Iterator<String>, Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(InputChunks.class);
    private static final char BOM = '\uFEFF';

    private final BufferedReader reader;
    private final int maxLines;
    private final StringBuilder chunk = new StringBuilder(1 << 16);
    private String held; // a line with a quote, read while a chunk was being filled: the next chunk
    private boolean ended;
    private boolean first = true;

    InputChunks(BufferedReader reader, int maxLines) {
        this.reader = reader;
        this.maxLines = maxLines;
    }

    @Override
    public boolean hasNext() {
        return !ended || held != null;
    }

    /** The next chunk of lines, each ending in a newline, waiting for its first line; null at end of input. */
    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        if (held != null) {
            String line = held;
            held = null;
            return line + '\n';
        }
        String line = readLine();
        if (line == null) {
            return null;
        }
        if (line.indexOf('"') >= 0) {
            return line + '\n';
        }
        chunk.setLength(0);
        chunk.append(line).append('\n');
        try {
            for (int n = 1; n < maxLines && reader.ready(); n++) {
                line = readLine();
                if (line == null) {
                    break;
                }
                if (line.indexOf('"') >= 0) {
                    held = line;
                    break;
                }
                chunk.append(line).append('\n');
            }
        } catch (IOException e) {
            throw unreadable(e);
        }
        return chunk.toString();
    }

    private String readLine() {
        String line;
        try {
            line = reader.readLine();
        } catch (IOException e) {
            throw unreadable(e);
        }
        if (line == null) {
            ended = true;
            return null;
        }
        if (first) {
            first = false;
            if (!line.isEmpty() && line.charAt(0) == BOM) {
                LOG.warn("line 1: byte-order mark removed");
                line = line.substring(1);
            }
        }
        return line;
    }

    /**
     * No cause attached: the retry policy retries an IOException anywhere in the cause chain, and a
     * pipe that cannot be read does not become readable by reading it again.
     */
    private static IllegalStateException unreadable(IOException e) {
        return new IllegalStateException("cannot read the input: " + e);
    }

    @Override
    public void close() throws IOException {
        ended = true;
        held = null;
        reader.close();
    }
}
