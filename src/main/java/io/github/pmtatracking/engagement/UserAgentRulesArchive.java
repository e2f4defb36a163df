package io.github.pmtatracking.engagement;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Consumer;
import nl.basjes.parse.useragent.UserAgentAnalyzer;
import nl.basjes.parse.useragent.Version;

/**
 * Yauaa's rules, built once at package time and read back at start: the feeder's user-agent
 * analyzer as Yauaa's own Kryo serialization stores it ({@link UserAgentAnalyzer#configureKryo}),
 * in the jar at {@value #RESOURCE}. Measured on one machine, quiet: the rules build in 4.1 s, the
 * archive (17 MB) reads in 0.95 s; on a feeder's start, with Camel starting beside it on 2
 * cores, the build took 6-8 s and was the last thing the first batch waited for. Java's own
 * serialization of the same analyzer read in 1.8-2.0 s.
 *
 * <p>The archive names the Yauaa version and the fields it was built for; one that does not match,
 * or does not read, is ignored (the rules are built as without it, and a line says why). Kryo
 * instantiates only the classes Yauaa registers, not whatever class a file names.
 */
public final class UserAgentRulesArchive {

    static final String RESOURCE = "/engagement/user-agents.kryo";

    private UserAgentRulesArchive() {
    }

    /** What an archive must say it is: Yauaa's version and the fields, in order. */
    static String identity(String[] fields) {
        return "yauaa " + Version.PROJECT_VERSION + " fields " + String.join(",", fields);
    }

    /** The analyzer from the jar's archive, or why not (empty: none, or not for these fields). */
    static Optional<UserAgentAnalyzer> read(String[] fields, Consumer<String> why) {
        try (InputStream in = UserAgentRulesArchive.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                why.accept("no archive of the rules in the jar");
                return Optional.empty();
            }
            try (Input input = new Input(in, 1 << 20)) {
                Kryo kryo = kryo();
                String identity = input.readString();
                if (!identity(fields).equals(identity)) {
                    why.accept("the archive is for " + identity + ", not " + identity(fields));
                    return Optional.empty();
                }
                return Optional.of((UserAgentAnalyzer) kryo.readClassAndObject(input));
            }
        } catch (IOException | RuntimeException e) {
            why.accept("the archive did not read: " + e);
            return Optional.empty();
        }
    }

    static void write(String[] fields, UserAgentAnalyzer analyzer, OutputStream to) {
        try (Output output = new Output(to, 1 << 20)) {
            output.writeString(identity(fields));
            kryo().writeClassAndObject(output, analyzer);
        }
    }

    private static Kryo kryo() {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        UserAgentAnalyzer.configureKryo(kryo);
        return kryo;
    }

    /**
     * The build's step (exec-maven-plugin, phase process-classes): writes the archive under the
     * given classes folder, from the rules the feeder would build.
     */
    public static void main(String[] args) throws IOException {
        Path target = Path.of(args[0], RESOURCE.substring(1));
        Files.createDirectories(target.getParent());
        UserAgentAnalyzer analyzer = UserAgents.build();
        Path temporary = Files.createTempFile(target.getParent(), ".user-agents", ".kryo");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            write(UserAgents.FIELDS, analyzer, out);
        }
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("user-agent rules archived: " + target + " (" + Files.size(target) + " bytes, "
                + identity(UserAgents.FIELDS) + ")");
    }
}
