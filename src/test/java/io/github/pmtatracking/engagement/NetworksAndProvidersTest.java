package io.github.pmtatracking.engagement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The address ranges of the machine rules, and the mailbox providers by domain. */
class NetworksAndProvidersTest {

    @Test
    void addressesAreFoundInTheirIpv4AndIpv6NetworksAndNowhereElse() {
        Networks n = Networks.of(List.of("17.0.0.0/8", "172.224.224.0/27", "2a02:26f7:b3c0:4000::/64", "192.0.2.1", " "));
        assertTrue(n.contains("17.0.0.0"));
        assertTrue(n.contains("17.255.255.255"));
        assertFalse(n.contains("18.0.0.0"));
        assertFalse(n.contains("16.255.255.255"));
        assertTrue(n.contains("172.224.224.31"));
        assertFalse(n.contains("172.224.224.32"));
        assertTrue(n.contains("192.0.2.1"));
        assertFalse(n.contains("192.0.2.2"));
        assertTrue(n.contains("2a02:26f7:b3c0:4000::1"));
        assertTrue(n.contains("2a02:26f7:b3c0:4000:ffff:ffff:ffff:ffff"));
        assertFalse(n.contains("2a02:26f7:b3c0:4001::"));
        assertTrue(n.contains("::ffff:17.1.2.3"), "an IPv4-mapped IPv6 address is its IPv4 address");
        assertFalse(n.contains("apple.com"), "a name is never looked up");
        assertFalse(n.contains(""));
        assertFalse(n.contains(null));
        assertThrows(IllegalArgumentException.class, () -> Networks.of(List.of("17.0.0.0/33")));
        assertThrows(IllegalArgumentException.class, () -> Networks.of(List.of("not-an-ip/8")));
    }

    @Test
    void overlappingAndAdjacentRangesMergeAndAManyRangeFileIsSearchedRight(@TempDir Path dir) throws Exception {
        // Apple's egress file: CIDR,country,region,city,
        List<String> lines = new ArrayList<>(List.of("# a comment", ""));
        for (int i = 0; i < 50_000; i++) {
            lines.add("10." + (i >> 8 & 0xff) + "." + (i & 0xff) + ".0/25,GB,GB-EN,London,");
        }
        lines.add("2a02:26f7::/32,US,US-CA,Los Angeles,");
        Path file = dir.resolve("egress-ip-ranges.csv");
        Files.write(file, lines);
        Networks n = Networks.of(Networks.firstColumn(file));
        assertEquals(50_001, n.size());
        assertTrue(n.contains("10.0.0.127"));
        assertFalse(n.contains("10.0.0.128"));
        assertTrue(n.contains("10.195.79.5"));
        assertFalse(n.contains("10.195.80.5"), "past the last range");
        assertTrue(n.contains("2a02:26f7:ffff::1"));
        assertEquals(1, Networks.of(List.of("10.0.0.0/25", "10.0.0.128/25", "10.0.0.64/26")).size(), "merged into one");
    }

    @Test
    void aRecipientsProviderIsFoundFromItsDomainUpToItsParents() throws Exception {
        MailboxProviders p = MailboxProviders.load(new StringReader("gmail.com=Gmail\nexample.co.uk = Example\n# c\n"), "test");
        assertEquals("Gmail", p.of("someone@GMail.com"));
        assertEquals("Gmail", p.of("someone@gmail.com."));
        assertEquals("Example", p.of("a@mail.eu.example.co.uk"));
        assertNull(p.of("a@co.uk"));
        assertNull(p.of("a@example.org"));
        assertNull(p.of(""));
        assertNull(p.of(null));
        assertEquals("Hotmail / Outlook", new MailboxProviders(Map.of("outlook.com", "Hotmail / Outlook")).of("x@outlook.com"));
    }
}
