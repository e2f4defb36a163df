package io.github.pmtatracking.acct;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The lines of a stream in chunks: each chunk holds the lines already arrived (at least one, at
 * most {@code maxLines}), so a chunk never waits for input that has not come. One exchange per
 * chunk instead of per line keeps Camel's per-exchange cost off the per-record budget.
 */
final class LineChunks implements Iterator<List<String>> {

    private final BufferedReader reader;
    private final int maxLines;
    private boolean ended;

    LineChunks(BufferedReader reader, int maxLines) {
        this.reader = reader;
        this.maxLines = maxLines;
    }

    /**
     * Never blocks: Camel's splitter asks before it processes the chunk in hand, and a blocking
     * answer would hold that chunk until more input came. The last chunk may therefore be empty.
     */
    @Override
    public boolean hasNext() {
        return !ended;
    }

    @Override
    public List<String> next() {
        if (ended) {
            throw new NoSuchElementException();
        }
        String first = readLine();
        if (first == null) {
            ended = true;
            return List.of();
        }
        List<String> chunk = new ArrayList<>(Math.min(maxLines, 64));
        chunk.add(first);
        try {
            while (chunk.size() < maxLines && reader.ready()) {
                String line = reader.readLine();
                if (line == null) {
                    ended = true;
                    break;
                }
                chunk.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return chunk;
    }

    private String readLine() {
        try {
            return reader.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
