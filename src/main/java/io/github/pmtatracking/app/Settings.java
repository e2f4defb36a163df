package io.github.pmtatracking.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Every setting of the application, resolved with the precedence the issues ask for: a command-line
 * flag, then a JVM system property ({@code -Da.x=...}), then the environment variable ({@code a.x}
 * is {@code A_X}), then {@code config/application.properties}, then the built-in default.
 */
public final class Settings {

    private final Map<String, String> flags;
    private final Map<String, String> env;
    private final Properties file;

    public Settings(Map<String, String> flags, Map<String, String> env, Properties file) {
        this.flags = new HashMap<>(flags);
        this.env = env;
        this.file = file;
    }

    /** Settings from the given file (absent is fine) and the process environment, no flags. */
    public static Settings load(Path configFile, Map<String, String> flags) {
        return new Settings(flags, System.getenv(), readProperties(configFile));
    }

    /** The environment variable that sets {@code key}: upper case, dots and dashes as underscores. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String get(String key, String defaultValue) {
        String v = flags.get(key);
        if (v == null) {
            v = System.getProperty(key); // -Dkey=value, as Camel reads its own settings
        }
        if (v == null) {
            v = env.get(envName(key));
        }
        if (v == null) {
            v = file.getProperty(key);
        }
        return v == null ? defaultValue : v.trim();
    }

    /** Like {@link #get} but also reads a legacy environment variable name (e.g. SPARKPOST_HOST_INGEST). */
    public String get(String key, String legacyEnv, String defaultValue) {
        if (!flags.containsKey(key) && System.getProperty(key) == null && !env.containsKey(envName(key))
                && env.containsKey(legacyEnv)) {
            return env.get(legacyEnv).trim();
        }
        return get(key, defaultValue);
    }

    public int getInt(String key, int defaultValue) {
        String v = get(key, null);
        if (v == null || v.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " must be a whole number, not '" + v + "'");
        }
    }

    public long getLong(String key, long defaultValue) {
        String v = get(key, null);
        if (v == null || v.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " must be a whole number, not '" + v + "'");
        }
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        String v = get(key, null);
        if (v == null || v.isEmpty()) {
            return defaultValue;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "1", "t", "true", "yes", "on" -> true;
            case "0", "f", "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("setting " + key + " must be true or false, not '" + v + "'");
        };
    }

    static Properties readProperties(Path path) {
        Properties p = new Properties();
        if (path != null && Files.isRegularFile(path)) {
            try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + path + ": " + e.getMessage(), e);
            }
        }
        return p;
    }
}
