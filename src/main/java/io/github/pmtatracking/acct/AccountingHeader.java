package io.github.pmtatracking.acct;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.pmtatracking.json.JsonStrings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The columns of PowerMTA's accounting records, from the header record whose first field is
 * {@code type}. Stored in Redis as the original did ({@code {"column":position,...}}), so a later
 * process reads delivery records without seeing the header again.
 */
public final class AccountingHeader {

    public static final String TYPE_FIELD = "type";
    public static final String MESSAGE_ID_FIELD = "header_x-sp-message-id";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();

    private final List<String> columns;
    private final Map<String, Integer> indexes = new HashMap<>(); // column name -> field index
    private final int messageIdIndex;
    private final int[] storedIndexes; // the columns copied into each msgID_ record
    private final String[] quotedNames; // their names, JSON-escaped once

    private AccountingHeader(List<String> columns, Predicate<String> stored) {
        this.columns = List.copyOf(columns);
        for (int i = columns.size() - 1; i >= 0; i--) {
            indexes.put(columns.get(i), i); // the first of a repeated name, as indexOf finds it
        }
        this.messageIdIndex = columns.indexOf(MESSAGE_ID_FIELD);
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String c = columns.get(i);
            if (i != messageIdIndex && !c.equals(TYPE_FIELD) && stored.test(c)) {
                keep.add(i);
            }
        }
        // sorted by name, as Go's encoding/json writes a map: for the original's columns the JSON is byte-identical
        keep.sort(Comparator.comparing(columns::get));
        this.storedIndexes = keep.stream().mapToInt(Integer::intValue).toArray();
        this.quotedNames = keep.stream().map(i -> new String(ESCAPER.quoteAsString(columns.get(i)))).toArray(String[]::new);
    }

    /** A header from a header record; {@code stored} chooses the columns kept for enrichment. */
    public static AccountingHeader of(List<String> record, Predicate<String> stored) {
        return new AccountingHeader(record, stored);
    }

    /** A header from what {@link #toJson} stored. */
    public static AccountingHeader fromJson(String json, Predicate<String> stored) {
        try {
            Map<String, Integer> positions = JSON.readValue(json, new TypeReference<Map<String, Integer>>() { });
            int size = positions.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
            List<String> columns = new ArrayList<>(java.util.Collections.nCopies(size, ""));
            positions.forEach((name, pos) -> columns.set(pos, name));
            return new AccountingHeader(columns, stored);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("stored accounting header is not valid JSON: " + e.getMessage(), e);
        }
    }

    public boolean hasMessageId() {
        return messageIdIndex >= 0;
    }

    public int size() {
        return columns.size();
    }

    public List<String> columns() {
        return columns;
    }

    /** The field index of a column, or -1. */
    public int indexOf(String column) {
        Integer i = indexes.get(column);
        return i == null ? -1 : i;
    }

    public String messageId(List<String> record) {
        return record.get(messageIdIndex);
    }

    /** {@code {"column":position}} for every column, as the original's acct_headers (sorted by name, as Go wrote maps). */
    public String toJson() {
        Map<String, Integer> positions = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(columns);
        names.sort(Comparator.naturalOrder());
        for (String name : names) {
            if (!name.isEmpty()) {
                positions.put(name, columns.indexOf(name));
            }
        }
        try {
            return JSON.writeValueAsString(positions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The enrichment JSON of a delivery record: the stored columns, by name, as strings. */
    public String enrichmentJson(List<String> record) {
        // Built directly with Jackson's string escaping: a JsonGenerator per record cost more
        // than the rest of the record's work.
        StringBuilder sb = new StringBuilder(256).append('{');
        for (int k = 0; k < storedIndexes.length; k++) {
            int i = storedIndexes[k];
            if (k > 0) {
                sb.append(',');
            }
            sb.append('"').append(quotedNames[k]).append("\":\"");
            JsonStrings.appendEscaped(sb, record.get(i));
            sb.append('"');
        }
        return sb.append('}').toString();
    }
}
