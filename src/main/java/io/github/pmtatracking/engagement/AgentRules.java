package io.github.pmtatracking.engagement;

import io.github.pmtatracking.engagement.MachineEngagement.AgentRule;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/** Reads {@code config/machine-agents.csv}: {@code text,kind,reason} rows, kind proxy or prefetch; # starts a comment. */
public final class AgentRules {

    private AgentRules() {
    }

    public static List<AgentRule> load(Reader reader, String file) {
        CSVFormat format = CSVFormat.DEFAULT.builder().setCommentMarker('#').setHeader().setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true).get();
        List<AgentRule> rules = new ArrayList<>();
        try (Reader r = reader) {
            for (CSVRecord row : format.parse(r)) {
                String text = row.get("text");
                String kind = row.get("kind");
                String reason = row.get("reason");
                if (text.isEmpty() || reason.isEmpty() || !(kind.equals("proxy") || kind.equals("prefetch"))) {
                    throw new IllegalArgumentException(file + " line " + row.getRecordNumber()
                            + ": want text,kind,reason with kind proxy or prefetch, not " + row);
                }
                rules.add(new AgentRule(text.toLowerCase(Locale.ROOT), kind.equals("prefetch"), reason));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the agent rules " + file, e);
        }
        return rules;
    }
}
