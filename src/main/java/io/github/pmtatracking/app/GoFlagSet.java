package io.github.pmtatracking.app;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line flags with the syntax of Go's {@code flag} package, which the original programs and
 * their scripts use: {@code -x value}, {@code -x=value}, {@code --x value}, a boolean as {@code -x}
 * or {@code -x=false}; parsing stops at the first argument that is not a flag, or after {@code --}.
 * Written here because the Java option libraries (commons-cli, picocli) parse a single-dash long
 * name as a cluster of short options or need per-option tweaks to read it Go's way.
 */
public final class GoFlagSet {

    /** One defined flag. {@code type} is Go's word for it in usage text: string, int or empty for a boolean. */
    public record Flag(String name, String type, String defaultValue, String usage) {
        boolean isBool() {
            return type.isEmpty();
        }
    }

    /** The outcome of a parse: the flags given (name to value) and the arguments after them. */
    public record Parsed(Map<String, String> given, List<String> rest) {
    }

    /** {@code -h} or {@code -help} was given. */
    public static final class HelpRequested extends Exception {
        public HelpRequested() {
            super("help requested", null, false, false);
        }
    }

    /** A parse error, worded as Go words it. */
    public static final class FlagException extends Exception {
        public FlagException(String message) {
            super(message, null, false, false);
        }
    }

    private final String name;
    private final String description;
    private final Map<String, Flag> flags = new LinkedHashMap<>();

    public GoFlagSet(String name, String description) {
        this.name = name;
        this.description = description;
    }

    /** A flag whose default lives elsewhere (the settings file): {@link #usage(java.util.function.UnaryOperator)} shows it. */
    public GoFlagSet string(String flag, String usage) {
        return string(flag, "", usage);
    }

    public GoFlagSet integer(String flag, String usage) {
        flags.put(flag, new Flag(flag, "int", "", usage));
        return this;
    }

    public GoFlagSet bool(String flag, String usage) {
        return bool(flag, false, usage);
    }

    public GoFlagSet string(String flag, String defaultValue, String usage) {
        flags.put(flag, new Flag(flag, "string", defaultValue, usage));
        return this;
    }

    public GoFlagSet integer(String flag, int defaultValue, String usage) {
        flags.put(flag, new Flag(flag, "int", Integer.toString(defaultValue), usage));
        return this;
    }

    public GoFlagSet bool(String flag, boolean defaultValue, String usage) {
        flags.put(flag, new Flag(flag, "", Boolean.toString(defaultValue), usage));
        return this;
    }

    public Map<String, Flag> flags() {
        return flags;
    }

    public Parsed parse(List<String> args) throws FlagException, HelpRequested {
        Map<String, String> given = new LinkedHashMap<>();
        int i = 0;
        while (i < args.size()) {
            String arg = args.get(i);
            if (arg.length() < 2 || arg.charAt(0) != '-') {
                break; // first non-flag argument
            }
            i++;
            if (arg.equals("--")) {
                break;
            }
            String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
            if (body.isEmpty() || body.charAt(0) == '-' || body.charAt(0) == '=') {
                throw new FlagException("bad flag syntax: " + arg);
            }
            int eq = body.indexOf('=');
            String flagName = eq < 0 ? body : body.substring(0, eq);
            Flag flag = flags.get(flagName);
            if (flag == null) {
                if (flagName.equals("h") || flagName.equals("help")) {
                    throw new HelpRequested();
                }
                throw new FlagException("flag provided but not defined: -" + flagName);
            }
            String value;
            if (flag.isBool()) {
                value = eq < 0 ? "true" : parseBool(flagName, body.substring(eq + 1));
            } else if (eq >= 0) {
                value = body.substring(eq + 1);
            } else if (i < args.size()) {
                value = args.get(i++);
            } else {
                throw new FlagException("flag needs an argument: -" + flagName);
            }
            if (flag.type().equals("int")) {
                checkInt(flagName, value);
            }
            given.put(flagName, value);
        }
        return new Parsed(given, List.copyOf(args.subList(i, args.size())));
    }

    private static String parseBool(String flag, String v) throws FlagException {
        // the spellings Go's strconv.ParseBool accepts
        switch (v) {
            case "1", "t", "T", "true", "TRUE", "True":
                return "true";
            case "0", "f", "F", "false", "FALSE", "False":
                return "false";
            default:
                throw new FlagException("invalid boolean value \"" + v + "\" for -" + flag);
        }
    }

    private static void checkInt(String flag, String v) throws FlagException {
        try {
            Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new FlagException("invalid value \"" + v + "\" for flag -" + flag + ": parse error");
        }
    }

    /** Usage text in the layout of Go's {@code PrintDefaults}, with the built-in defaults. */
    public String usage() {
        return usage(name -> null);
    }

    /**
     * Usage text with the defaults in effect: {@code effective} gives a flag's value from the
     * settings (file, environment), or null where the built-in default applies.
     */
    public String usage(java.util.function.UnaryOperator<String> effective) {
        StringBuilder sb = new StringBuilder();
        if (!description.isEmpty()) {
            sb.append(description).append('\n');
        }
        sb.append("Usage of ").append(name).append(":\n");
        for (Flag f : flags.values()) {
            sb.append("  -").append(f.name());
            if (!f.isBool()) {
                sb.append(' ').append(f.type());
            }
            sb.append("\n    \t").append(f.usage().replace("\n", "\n    \t"));
            String value = effective.apply(f.name());
            String shown = value == null ? f.defaultValue() : value;
            if (f.isBool() ? shown.equals("true") : !shown.isEmpty()) {
                sb.append(" (default ").append(f.type().equals("string") ? '"' + shown + '"' : shown).append(')');
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
