package io.shipsync;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.logging.LoggingSystemProperty;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Spring Boot's structured logging on, as the README says to turn it on for a log
 * collector, an update's outcome is one JSON line whose fields say which order, store,
 * source and outcome it is, beside a message a person can read.
 */
@ExtendWith(OutputCaptureExtension.class)
// read when logging starts, before the context: a dynamic property would come too late
@TestPropertySource(properties = "logging.structured.format.console=ecs")
class StructuredLogTest extends EndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 20, 50);
    }

    /**
     * Spring Boot hands the format to Logback as a JVM system property and never takes it
     * back: without this, every test class after this one would log JSON.
     */
    @AfterAll
    static void plainLogsForTheNextTests() {
        System.clearProperty(LoggingSystemProperty.CONSOLE_STRUCTURED_FORMAT.getEnvironmentVariableName());
    }

    @Test
    void an_update_s_outcome_is_one_json_line_with_its_order_store_source_and_outcome(CapturedOutput output)
            throws IOException {
        UUID order = newOrder("started");

        drop("structured.csv", "order_id,status,tracking_url\n" + order + ",processing,\n");
        awaitReport("structured");

        List<JsonNode> outcomes = output.getOut()
            .lines()
            .filter(line -> line.startsWith("{"))
            .map(StructuredLogTest::json)
            .filter(line -> order.toString().equals(line.path("order_id").asText()))
            .toList();
        assertThat(outcomes).hasSize(1);
        JsonNode line = outcomes.get(0);
        assertThat(line.path("store").asText()).isEqualTo("default");
        assertThat(line.path("source").asText()).isEqualTo("csv");
        assertThat(line.path("outcome").asText()).isEqualTo("applied");
        assertThat(line.path("status").asText()).isEqualTo("processing");
        assertThat(line.path("log").path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("message").asText()).isEqualTo("Applied: processing for order " + order
                + " of store default (csv line 2): TribeMade updated the order to processing.");
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        }
        catch (IOException e) {
            throw new AssertionError("not one JSON object per line: " + line, e);
        }
    }

}
