package io.github.pmtatracking.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one settings system, Camel's properties, resolved as Main resolves them. The environment
 * variables are real ones, set for the test JVM by the build (pom.xml, surefire).
 */
class SettingsTest {

    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path f = dir.resolve("application.properties");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault() throws Exception {
        Path file = file("""
                pmta_settings_test.env=from-file
                acct_etl.infile=from-file.csv
                """);
        assertEquals("from-flag", Settings.load(file, dir, Map.of("pmta_settings_test.env", "from-flag"))
                .text("pmta_settings_test.env"));
        assertEquals("from-env", Settings.load(file, dir, Map.of()).text("pmta_settings_test.env"));
        assertEquals("from-file.csv", Settings.load(file, dir, Map.of()).text("acct_etl.infile"));
        // the jar's copy of config/application.properties holds every default
        assertEquals("", Settings.load(dir.resolve("absent.properties"), dir, Map.of()).text("acct_etl.infile"));
        assertEquals("trk_queue", Settings.load(dir.resolve("absent.properties"), dir, Map.of()).text("redis.queue_key"));
    }

    @Test
    void environmentNamesAreUpperCaseWithUnderscores() {
        assertEquals("ACCT_ETL_INFILE", Settings.envName("acct_etl.infile"));
        assertEquals("LINK_SECRET", Settings.envName("link.secret"));
        assertEquals("CAMEL_MANAGEMENT_PORT", Settings.envName("camel.management-port"));
    }

    @Test
    void theOriginalsVariableNamesStillWork() throws Exception {
        // as feeder.sparkpost_host reads SPARKPOST_HOST_INGEST in config/application.properties
        Path file = file("""
                pmta_settings_test.legacy={{env:PMTA_SETTINGS_TEST_LEGACY:api.sparkpost.com}}
                pmta_settings_test.both={{env:PMTA_SETTINGS_TEST_LEGACY:api.sparkpost.com}}
                pmta_settings_test.unset={{env:PMTA_SETTINGS_TEST_NOT_SET:api.sparkpost.com}}
                """);
        Settings s = Settings.load(file, dir, Map.of());
        assertEquals("legacy", s.text("pmta_settings_test.legacy"));
        assertEquals("new", s.text("pmta_settings_test.both")); // the new name wins over the old one
        assertEquals("api.sparkpost.com", s.text("pmta_settings_test.unset"));
    }

    @Test
    void aBadValueIsAClearError() throws Exception {
        Settings s = Settings.load(file("acct_etl.batch_size=oops\nwrapper.verbose=maybe\n"), dir, Map.of());
        assertEquals("setting acct_etl.batch_size must be a whole number, not 'oops'",
                assertThrows(IllegalArgumentException.class, () -> s.wholeNumber("acct_etl.batch_size")).getMessage());
        assertEquals("setting wrapper.verbose must be true or false, not 'maybe'",
                assertThrows(IllegalArgumentException.class, () -> s.flag("wrapper.verbose")).getMessage());
        assertEquals("setting pmta_settings_test.nothing is not set (config/application.properties lists every setting with its default)",
                assertThrows(IllegalArgumentException.class, () -> s.text("pmta_settings_test.nothing")).getMessage());
    }

    @Test
    void pathsAreRelativeToTheHomeFolder() throws Exception {
        Settings s = Settings.load(file("feeder.outbox_dir=data/ingest\n"), dir, Map.of());
        assertEquals(dir.resolve("data/ingest"), s.path("feeder.outbox_dir"));
    }
}
