package io.github.pmtatracking.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.impl.DefaultCamelContext;
import java.util.Locale;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * The application's settings, read from Camel's own properties: the one settings system. Camel
 * resolves each key with the precedence the issues ask for: a command-line flag (an override
 * property), then a JVM system property ({@code -Da.x=...}), then the environment variable
 * ({@code a.x} is {@code A_X}), then {@code config/application.properties}, then the copy of that
 * file inside the jar, which holds every default. No default is written in Java: a key missing
 * from the file is a clear error.
 */
public final class Settings {

    /** The folder relative paths are resolved against ({@code -Dpmta.home}, set by the launcher). */
    public static final String HOME = "pmta.home";

    private final PropertiesComponent properties;

    private Settings(PropertiesComponent properties) {
        this.properties = properties;
    }

    public static Settings of(CamelContext camel) {
        return new Settings(camel.getPropertiesComponent());
    }

    /**
     * Where Camel Main reads the settings from: the file on disk, then the jar's copy of it (every
     * default). Camel takes a key from the first location that has it.
     */
    public static String locations(Path configFile) {
        return "file:" + configFile + ";optional=true,classpath:config/application.properties;optional=true";
    }

    /**
     * The same settings before Camel Main runs (for the command line's help, the log file and
     * linktool), resolved by a Camel properties component configured as Main configures its own.
     * {@code flags}: the command line's flags as settings keys.
     */
    public static Settings load(Path configFile, Path home, Map<String, String> flags) {
        DefaultCamelContext camel = new DefaultCamelContext();
        PropertiesComponent properties = camel.getPropertiesComponent();
        configure(properties);
        properties.setLocation(locations(configFile));
        Properties initial = new Properties();
        initial.setProperty(HOME, home.toString());
        properties.setInitialProperties(initial);
        Properties overrides = new Properties();
        overrides.putAll(flags);
        properties.setOverrideProperties(overrides);
        return new Settings(properties);
    }

    /**
     * The precedence on a Camel properties component: flags (override properties) first, then
     * {@code -D} system properties and the environment ({@link SystemAndEnvironment}), then the
     * files. Camel's default would read the environment before the override properties.
     */
    public static void configure(PropertiesComponent properties) {
        org.apache.camel.component.properties.PropertiesComponent pc =
                (org.apache.camel.component.properties.PropertiesComponent) properties;
        pc.setEnvironmentVariableMode(org.apache.camel.component.properties.PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
        pc.setSystemPropertiesMode(org.apache.camel.component.properties.PropertiesComponent.SYSTEM_PROPERTIES_MODE_NEVER);
        pc.addPropertiesSource(new SystemAndEnvironment());
    }

    /** The environment variable that sets {@code key}, as Camel reads it: upper case, dots and dashes as underscores. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The value, trimmed, or empty when the key is not set anywhere. */
    public Optional<String> optional(String key) {
        return properties.resolveProperty(key).map(String::trim);
    }

    /** The value, trimmed; every key the code reads is in config/application.properties. */
    public String text(String key) {
        return optional(key).orElseThrow(() -> new IllegalArgumentException(
                "setting " + key + " is not set (config/application.properties lists every setting with its default)"));
    }

    public int wholeNumber(String key) {
        long v = number(key);
        if (v != (int) v) {
            throw new IllegalArgumentException("setting " + key + " is too large: " + v);
        }
        return (int) v;
    }

    public long number(String key) {
        String v = text(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " must be a whole number, not '" + v + "'");
        }
    }

    /** A whole number of at least 1. */
    public long positive(String key) {
        long v = number(key);
        if (v <= 0) {
            throw new IllegalArgumentException("setting " + key + " must be at least 1, not " + v);
        }
        return v;
    }

    /** true or false, spelled as Go's flag package accepts them (1, t, true, 0, f, false...). */
    public boolean flag(String key) {
        String v = text(key);
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "1", "t", "true", "yes", "on" -> true;
            case "0", "f", "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("setting " + key + " must be true or false, not '" + v + "'");
        };
    }

    /** A path setting: absolute as given, relative to the home folder otherwise. */
    public Path path(String key) {
        return Path.of(optional(HOME).orElse(".")).resolve(text(key)).toAbsolutePath().normalize();
    }
}
