package io.github.pmtatracking.acct;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AccountingHeaderTest {

    @Test
    void theEnrichmentJsonIsWhatJacksonWritesForTheSortedColumnsWhateverTheValuesHoldToEscape() throws Exception {
        AccountingHeader header = AccountingHeader.of(List.of("type", "rcpt", "orig", "header_x-sp-message-id", "dsnDiag"), c -> true);
        List<String> record = List.of("d", "Bob \"Jr\" <bob@example.com>", "back\\slash\ttab\u0001", "m1", "plain, héllo ✓");
        TreeMap<String, String> expected = new TreeMap<>();
        expected.put("rcpt", record.get(1));
        expected.put("orig", record.get(2));
        expected.put("dsnDiag", record.get(4));
        assertEquals(new ObjectMapper().writeValueAsString(expected), header.enrichmentJson(record));
    }
}
