package io.github.pmtatracking.wrapper;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** -downstream_debug / -upstream_data_debug: a file created afresh at start, appended to as mail passes. */
public final class DebugFile implements AutoCloseable {

    private final OutputStream out;

    public DebugFile(Path path) throws IOException {
        this.out = new BufferedOutputStream(Files.newOutputStream(path));
    }

    public synchronized void write(String text) {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    public synchronized void write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            // a debug aid must never break the mail flow
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
