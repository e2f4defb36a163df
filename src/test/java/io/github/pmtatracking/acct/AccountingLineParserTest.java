package io.github.pmtatracking.acct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class AccountingLineParserTest {

    private final AccountingLineParser parser = new AccountingLineParser();

    @Test
    void plainAndQuotedFieldsSplitAsRfc4180Says() throws Exception {
        assertEquals(List.of("d", "a@x", "", "id"), parser.parse("d,a@x,,id"));
        assertEquals(List.of("d", "Bob, Jr", "say \"hi\"", ""), parser.parse("d,\"Bob, Jr\",\"say \"\"hi\"\"\","));
    }

    @Test
    void anUnclosedQuoteIsABrokenRecord() {
        assertEquals(SkipReason.BROKEN_QUOTE,
                assertThrows(BadRecordException.class, () -> parser.parse("d,\"open,x")).reason());
    }

    @Test
    void anEmptyLineIsSkipped() {
        assertEquals(SkipReason.EMPTY_LINE, assertThrows(BadRecordException.class, () -> parser.parse("")).reason());
    }
}
