package io.github.pmtatracking.app;

import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The log on stdout, through a buffer of its own: logback's ConsoleAppender writes to
 * {@code System.out}, a PrintStream that flushes on every write, so {@link GatheringAsyncAppender}
 * could not make its writes blocks. Still {@code System.out} underneath (what a test runner or
 * {@code System.setOut} put there, as with ConsoleAppender), and never closed: stop only flushes.
 */
public final class StdoutAppender<E> extends OutputStreamAppender<E> {

    @Override
    public void start() {
        OutputStream stdout = new FilterOutputStream(System.out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
        setOutputStream(new BufferedOutputStream(stdout, 8192));
        super.start();
    }
}
