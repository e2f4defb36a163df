package io.github.pmtatracking.acct;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * One line of PowerMTA accounting CSV into its fields (RFC 4180 quoting, via Commons CSV).
 * PowerMTA writes one record per line, so a quote left open at the end of the line is a broken
 * record, not the start of a multi-line field.
 */
public final class AccountingLineParser {

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().get();

    /** The fields of the line, or a {@link BadRecordException} saying why there are none. */
    public List<String> parse(String line) throws BadRecordException {
        if (line.isEmpty()) {
            throw new BadRecordException(SkipReason.EMPTY_LINE, "empty line");
        }
        if (line.indexOf('"') < 0) {
            // Without a quote, RFC 4180 fields are exactly the text between commas. Most PowerMTA
            // lines have none, and building a CSVParser per line cost a third of acct_etl's time.
            return Arrays.asList(line.split(",", -1));
        }
        try (CSVParser parser = CSVParser.parse(line, FORMAT)) {
            Iterator<CSVRecord> it = parser.iterator();
            if (!it.hasNext()) {
                throw new BadRecordException(SkipReason.EMPTY_LINE, "empty line");
            }
            CSVRecord record = it.next();
            List<String> fields = new ArrayList<>(record.size());
            record.forEach(fields::add);
            if (it.hasNext()) {
                throw new BadRecordException(SkipReason.BROKEN_QUOTE, "more than one record on the line");
            }
            return fields;
        } catch (UncheckedIOException | IOException | IllegalStateException e) {
            throw new BadRecordException(SkipReason.BROKEN_QUOTE, "unbalanced quotes");
        }
    }
}
