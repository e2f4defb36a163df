package io.github.pmtatracking.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

/**
 * The build's check of the route files users edit: each routes/*.yaml must match Camel's YAML DSL
 * schema (the one inside camel-yaml-dsl, so it follows the Camel version) and load in Camel's own
 * YAML loader, with one id per route across the files.
 */
class RoutesValidationTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void everyRouteFileMatchesTheYamlDslAndLoads() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("routes"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertEquals(List.of("acct-etl.yaml", "feeder.yaml", "retry-policy.yaml", "tracker.yaml", "wrapper.yaml"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        JsonSchema schema = camelYamlDslSchema();
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            for (Path file : files) {
                Set<ValidationMessage> problems = schema.validate(YAML.readTree(file.toFile()));
                assertTrue(problems.isEmpty(), file + " does not match Camel's YAML DSL: "
                        + problems.stream().limit(5).map(ValidationMessage::getMessage).toList());
                PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, "file:" + file));
            }
            List<String> ids = camel.getRouteDefinitions().stream().map(r -> r.getRouteId()).toList();
            assertEquals(ids.size(), Set.copyOf(ids).size(), "route ids repeat: " + ids);
            assertTrue(ids.containsAll(List.of("acct-etl", "feeder", "ingest-api", "ingest-files", "tracker", "wrapper")),
                    ids.toString());
        }
    }

    @Test
    void aMisspeltKeyIsRefused() throws Exception {
        JsonNode typo = YAML.readTree(Path.of("src/test/resources/routes-invalid/typo.yaml").toFile());
        Set<ValidationMessage> problems = camelYamlDslSchema().validate(typo);
        assertFalse(problems.isEmpty());
        assertTrue(problems.toString().contains("stepz"), problems.toString());
    }

    private static JsonSchema camelYamlDslSchema() throws IOException {
        try (InputStream in = RoutesValidationTest.class.getResourceAsStream("/schema/camelYamlDsl.json")) {
            assertTrue(in != null, "camel-yaml-dsl's schema is on the class path");
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
    }
}
