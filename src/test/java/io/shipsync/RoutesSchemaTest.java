package io.shipsync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route file in {@code routes/} against the official Camel YAML DSL schema, the one
 * that ships inside {@code camel-yaml-dsl} (and that Kaoto and the Camel CLI use): a
 * misspelt key fails the build, naming the file and where, instead of failing the service
 * at start-up or, for a key Camel ignores, not at all.
 */
class RoutesSchemaTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Schema schema = camelYamlDslSchema();

    @Test
    void every_route_file_follows_the_camel_yaml_dsl_schema() throws IOException {
        List<Path> files;
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            files = routes.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
        }

        assertThat(files).isNotEmpty();
        assertThat(files).allSatisfy(file -> assertThat(problems(YAML.readTree(file.toFile())))
            .as("%s against the Camel YAML DSL schema", file)
            .isEmpty());
    }

    @Test
    void a_misspelt_key_is_named_with_where_it_is() throws IOException {
        JsonNode route = YAML.readTree("""
                - route:
                    id: misspelt
                    from:
                      uri: direct:misspelt
                      steps:
                        - setBody:
                            expresion:
                              constant:
                                expression: x
                """);

        assertThat(problems(route)).anySatisfy(problem -> assertThat(problem).contains("expresion"));
    }

    private List<String> problems(JsonNode routes) {
        return schema.validate(routes).stream().map(Error::toString).toList();
    }

    private static Schema camelYamlDslSchema() {
        try (InputStream in = YamlRoutesBuilderLoader.class.getClassLoader()
            .getResourceAsStream("schema/camelYamlDsl.json")) {
            assertThat(in).as("schema/camelYamlDsl.json in camel-yaml-dsl").isNotNull();
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(in);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
