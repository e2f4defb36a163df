package io.github.pmtatracking.acct;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The accounting stream: PowerMTA's pipe on stdin, or the file named by {@code -infile}. */
public final class AccountingInput {

    private static final Logger LOG = LoggerFactory.getLogger(AccountingInput.class);

    private final String infile;

    public AccountingInput(String infile) {
        this.infile = infile == null ? "" : infile;
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
