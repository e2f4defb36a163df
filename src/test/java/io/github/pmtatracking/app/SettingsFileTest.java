package io.github.pmtatracking.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** config/application.properties lists every setting the code and the route files read. */
class SettingsFileTest {

    private static final Path FILE = Path.of("config/application.properties");

    /** A key read in Java: settings.text("a.b"), flag("a.b"), @PropertyInject("a.b") and the like. */
    private static final Pattern READ = Pattern.compile(
            "(?:\\.(?:get(?:Int|Long|Boolean)?|text|optional|wholeNumber|number|positive|flag|path)|@PropertyInject)"
            + "\\(\"([a-z_]+\\.[a-z0-9_.]+)\"");
    /** A key read by a route file: {{a.b}}, {{a.b:default}} or through a function, {{listen:a.b}}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(?:listen:)?([a-z_]+\\.[a-z0-9_.]+)");
    /** A value the code derives and hands to Camel itself (not a setting of its own). */
    private static final Pattern DERIVED = Pattern.compile("addOverrideProperty\\(\"([a-z_]+\\.[a-z0-9_.]+)\"");

    @Test
    void everyKeyTheCodeAndTheRoutesReadIsListedWithItsDefault() throws Exception {
        Set<String> read = new TreeSet<>();
        Set<String> derived = new TreeSet<>();
        for (Path f : files(Path.of("src/main/java"), ".java")) {
            String text = Files.readString(f);
            collect(READ, text, read);
            collect(DERIVED, text, derived);
        }
        Set<String> placeholders = new TreeSet<>();
        for (Path f : files(Path.of("routes"), ".yaml")) {
            collect(PLACEHOLDER, Files.readString(f), placeholders);
        }
        // a placeholder the code fills from other settings (tracker.listen_port from -in_hostport) is not one itself
        placeholders.removeIf(k -> derived.contains(k) && !read.contains(k));
        read.addAll(placeholders);
        assertTrue(read.size() > 40, "found the keys: " + read);
        Set<String> listed = listed();
        Set<String> missing = new TreeSet<>(read);
        missing.removeAll(listed);
        assertEquals(Set.of(), missing, "read by the code but not in " + FILE);
    }

    @Test
    void everyFlagOfEveryAppIsListed() throws Exception {
        Set<String> listed = listed();
        Set<String> missing = new TreeSet<>();
        for (App app : App.values()) {
            if (app == App.LINKTOOL) {
                continue;
            }
            for (GoFlagSet.Flag flag : app.flags().flags().values()) {
                String key = app.command() + "." + flag.name();
                if (!listed.contains(key)) {
                    missing.add(key);
                }
            }
        }
        assertEquals(Set.of(), missing, "flags not in " + FILE);
    }

    /** Keys set in the file, or shown commented out where "unset" is the default ({@code #key=...}). */
    private static Set<String> listed() throws Exception {
        Set<String> keys = new TreeSet<>();
        Pattern line = Pattern.compile("^#?([a-z_]+\\.[a-z0-9_.]+)=");
        for (String l : Files.readAllLines(FILE)) {
            Matcher m = line.matcher(l);
            if (m.find()) {
                keys.add(m.group(1));
            }
        }
        return keys;
    }

    private static void collect(Pattern p, String text, Set<String> into) {
        Matcher m = p.matcher(text);
        while (m.find()) {
            into.add(m.group(1));
        }
    }

    private static List<Path> files(Path dir, String suffix) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(f -> f.toString().endsWith(suffix)).toList();
        }
    }
}
