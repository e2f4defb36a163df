package io.github.pmtatracking.acct;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The accounting stream: PowerMTA's pipe on stdin, or the file named by {@code -infile}. */
public final class AccountingInput {

    private static final Logger LOG = LoggerFactory.getLogger(AccountingInput.class);

    private final String infile;

    public AccountingInput(String infile) {
        this.infile = infile == null ? "" : infile;
    }

    /**
     * The lines of the input in chunks of what has already arrived (up to 1,000 lines), ending at
     * end of input. A plain BufferedReader: Camel's tokenizer matched a regex per line and cost
     * more than storing the record.
     */
    public Iterator<List<String>> lineChunks() throws FileNotFoundException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(open(), StandardCharsets.UTF_8), 1 << 16);
        return new LineChunks(reader, 1000);
    }

    public InputStream open() throws FileNotFoundException {
        if (infile.isEmpty() || infile.equals("-")) {
            LOG.info("Reading PowerMTA accounting records from stdin");
            // the caller closing the stream must not close the process's stdin
            return new FilterInputStream(System.in) {
                @Override
                public void close() {
                }
            };
        }
        LOG.info("Reading PowerMTA accounting records from {}", infile);
        return new FileInputStream(infile);
    }
}
