package io.github.pmtatracking.acct;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A delivery record as the route sees it: its fields by column name ({@code ${body[vmtaPool]}} in
 * a route step), read through the header that named the columns, without copying them.
 */
public final class AccountingRecord extends AbstractMap<String, String> {

    private final AccountingHeader header;
    private final List<String> fields;

    AccountingRecord(AccountingHeader header, List<String> fields) {
        this.header = header;
        this.fields = fields;
    }

    /** The {@code header_x-sp-message-id} field: the Redis key is {@code msgID_<this>}. */
    public String messageId() {
        return header.messageId(fields);
    }

    /** The JSON stored for enrichment: the stored columns, as the original wrote them. */
    public String enrichmentJson() {
        return header.enrichmentJson(fields);
    }

    @Override
    public String get(Object column) {
        int i = column instanceof String name ? header.indexOf(name) : -1;
        return i < 0 ? null : fields.get(i);
    }

    @Override
    public boolean containsKey(Object column) {
        return column instanceof String name && header.indexOf(name) >= 0;
    }

    @Override
    public int size() {
        return fields.size();
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, String>> iterator() {
                Iterator<String> names = header.columns().iterator();
                Iterator<String> values = fields.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return names.hasNext() && values.hasNext();
                    }

                    @Override
                    public Map.Entry<String, String> next() {
                        return new SimpleImmutableEntry<>(names.next(), values.next());
                    }
                };
            }

            @Override
            public int size() {
                return fields.size();
            }
        };
    }
}
