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
    private String first; // read ahead by hasNext
    private boolean ended;

    LineChunks(BufferedReader reader, int maxLines) {
        this.reader = reader;
        this.maxLines = maxLines;
    }

    @Override
    public boolean hasNext() {
        if (first == null && !ended) {
            first = readLine();
            ended = first == null;
        }
        return first != null;
    }

    @Override
    public List<String> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        List<String> chunk = new ArrayList<>(Math.min(maxLines, 64));
        chunk.add(first);
        first = null;
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
