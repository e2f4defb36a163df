package io.github.pmtatracking.engagement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;
import org.junit.jupiter.api.Test;

/**
 * The rules archive the build makes (exec-maven-plugin, process-classes) is on the class path,
 * reads back, and parses as the rules built from Yauaa's files do; an archive for other fields is
 * not used, and says why.
 */
class UserAgentRulesArchiveTest {

    private static final List<String> AGENTS = List.of(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Windows; U; Windows NT 5.1; de; rv:1.9.0.7) Gecko/2009021910 Firefox/3.0.7 (via ggpht.com GoogleImageProxy)",
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.43 Mobile Safari/537.36",
            "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");

    @Test
    void theArchiveReadsBackAndParsesAsTheRulesDo() {
        List<String> why = new ArrayList<>();
        Optional<UserAgentAnalyzer> archived = UserAgentRulesArchive.read(UserAgents.FIELDS, why::add);
        assertTrue(archived.isPresent(), "the build archived the rules: " + why);
        UserAgentAnalyzer built = UserAgents.build();
        for (String agent : AGENTS) {
            assertEquals(built.parse(agent).toMap(UserAgents.FIELDS), archived.get().parse(agent).toMap(UserAgents.FIELDS), agent);
        }
        assertEquals("Apple", archived.get().parse(AGENTS.get(0)).getValue(UserAgent.DEVICE_BRAND));
    }

    @Test
    void anArchiveForOtherFieldsIsNotUsed() {
        List<String> why = new ArrayList<>();
        Optional<UserAgentAnalyzer> archived = UserAgentRulesArchive.read(new String[] {UserAgent.AGENT_NAME}, why::add);
        assertTrue(archived.isEmpty());
        assertEquals(1, why.size());
        assertTrue(why.get(0).startsWith("the archive is for yauaa "), why.get(0));
    }
}
