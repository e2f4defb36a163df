package io.github.pmtatracking.acct;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.InputStream;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * Reads a pipe (standard input, or a file) once, to its end, as one exchange whose body is its
 * lines in chunks of what has arrived ({@link InputChunks}), so the route splits it, and its steps
 * after the split run at end of input.
 *
 * <p>Why not camel-stream: {@code stream:in} never tells the route that its input ended, and
 * {@code stream:file} reads the next line before it hands over the current one (to mark the last),
 * so on a quiet pipe every record waits for the one after it. A split over a blocking iterator has
 * the same problem (the splitter asks {@code hasNext()} before it processes the item in hand), which
 * is why {@link InputChunks#hasNext()} never blocks.
 */
@UriEndpoint(scheme = "pipe", title = "Pipe", syntax = "pipe:name", consumerOnly = true,
        category = {Category.FILE}, firstVersion = "4.17.0")
public final class PipeEndpoint extends DefaultEndpoint {

    @UriPath(description = "A name for the input, used in the reader thread's name")
    @Metadata(required = true)
    private final String name;

    @UriParam(description = "The file to read; empty or - for standard input", defaultValue = "")
    private String fileName = "";

    @UriParam(description = "The most lines in one chunk", defaultValue = "1000")
    private int chunkLines = 1000;

    PipeEndpoint(String uri, PipeComponent component, String name) {
        super(uri, component);
        this.name = name;
    }

    public String getName() {
        return name;
    }

    public String getFileName() {
        return fileName;
    }

    /** The file to read; empty or {@code -} for standard input. */
    public void setFileName(String fileName) {
        this.fileName = fileName == null ? "" : fileName.trim();
    }

    public int getChunkLines() {
        return chunkLines;
    }

    /** The most lines in one chunk (a chunk holds the lines already arrived, at least one). */
    public void setChunkLines(int chunkLines) {
        if (chunkLines < 1) {
            throw new IllegalArgumentException("chunkLines must be at least 1, not " + chunkLines);
        }
        this.chunkLines = chunkLines;
    }

    boolean readsStandardInput() {
        return fileName.isEmpty() || fileName.equals("-");
    }

    InputStream open() throws FileNotFoundException {
        if (readsStandardInput()) {
            // the route closing its input must not close the process's stdin
            return new FilterInputStream(System.in) {
                @Override
                public void close() {
                }
            };
        }
        return new FileInputStream(fileName);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        PipeConsumer consumer = new PipeConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("pipe: is a consumer only (it reads its input)");
    }
}
