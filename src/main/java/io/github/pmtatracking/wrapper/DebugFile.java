package io.github.pmtatracking.wrapper;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * -downstream_debug / -upstream_data_debug: a file created afresh when the process first opens it,
 * appended to as mail passes. A reloaded route opens it again and appends, so the trace of the
 * sessions before the reload stays.
 */
public final class DebugFile implements AutoCloseable {

    private static final Set<Path> OPENED = ConcurrentHashMap.newKeySet();

    private final OutputStream out;

    public DebugFile(Path path) throws IOException {
        boolean first = OPENED.add(path.toAbsolutePath().normalize());
        this.out = new BufferedOutputStream(first ? Files.newOutputStream(path)
                : Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
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
