package io.github.pmtatracking.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SettingsTest {

    private final Properties file = new Properties();

    SettingsTest() {
        file.setProperty("acct_etl.infile", "from-file.csv");
        file.setProperty("redis.url", "redis://file:6379");
        file.setProperty("acct_etl.batch_size", "oops");
    }

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault() {
        Map<String, String> env = Map.of("ACCT_ETL_INFILE", "from-env.csv", "REDIS_URL", "redis://env:6379");
        Settings s = new Settings(Map.of("acct_etl.infile", "from-flag.csv"), env, file);
        assertEquals("from-flag.csv", s.get("acct_etl.infile", "default"));
        assertEquals("redis://env:6379", s.get("redis.url", "default"));
        assertEquals("from-file.csv", new Settings(Map.of(), Map.of(), file).get("acct_etl.infile", "default"));
        assertEquals("default", new Settings(Map.of(), Map.of(), new Properties()).get("acct_etl.infile", "default"));
    }

    @Test
    void environmentNamesAreUpperCaseWithUnderscores() {
        assertEquals("ACCT_ETL_INFILE", Settings.envName("acct_etl.infile"));
        assertEquals("LINK_SECRET", Settings.envName("link.secret"));
        assertEquals("CAMEL_MANAGEMENT_PORT", Settings.envName("camel.management-port"));
    }

    @Test
    void theOriginalsVariableNamesStillWork() {
        Settings s = new Settings(Map.of(), Map.of("SPARKPOST_HOST_INGEST", "api.eu.sparkpost.com"), new Properties());
        assertEquals("api.eu.sparkpost.com", s.get("feeder.sparkpost_host", "SPARKPOST_HOST_INGEST", "api.sparkpost.com"));
        Settings both = new Settings(Map.of(), Map.of("SPARKPOST_HOST_INGEST", "legacy", "FEEDER_SPARKPOST_HOST", "new"), new Properties());
        assertEquals("new", both.get("feeder.sparkpost_host", "SPARKPOST_HOST_INGEST", "api.sparkpost.com"));
    }

    @Test
    void aBadNumberIsAClearError() {
        Settings s = new Settings(Map.of(), Map.of(), file);
        assertEquals("setting acct_etl.batch_size must be a whole number, not 'oops'",
                assertThrows(IllegalArgumentException.class, () -> s.getInt("acct_etl.batch_size", 1)).getMessage());
    }
}
