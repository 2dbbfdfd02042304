package io.shipsync.admin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.shipsync.EndToEndTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The admin API end to end, with curl's eyes: real HTTP to shipsync, files through the
 * inbox, the TribeMade sandbox answering. Dead letters come from rows for orders the
 * store does not have (404), which the sandbox then gets, so a replay can succeed.
 */
class AdminApiTest extends EndToEndTest {

    static final String TOKEN = "admin-e2e-token-5f1c0a7d";

    static final String HEADER = "order_id,status,tracking_url\n";

    static final HttpClient HTTP = HttpClient.newHttpClient();

    static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 20, 50);
        registry.add("shipsync.admin.token", () -> TOKEN);
        // a store paused by a refused key stays paused until a person resumes it
        registry.add("shipsync.status-updates.auth-retry-interval", () -> "1h");
    }

    record Answer(int status, JsonNode body, HttpResponse<String> response) {

        String error() {
            return body.path("error").asText();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({ "GET, /api/dead-letters", "GET, /api/dead-letters/1", "POST, /api/dead-letters/1/replay",
            "POST, /api/dead-letters/replay", "POST, /api/dead-letters/1/discard", "GET, /api/updates",
            "GET, /api/updates/1", "GET, /api/files", "GET, /api/files/1", "GET, /api/files/1/report",
            "GET, /api/stores", "POST, /api/stores/default/resume", "GET, /api/session" })
    void every_call_is_refused_without_the_admin_token(String method, String path) throws Exception {
        Answer missing = call(method, path, "{}", null);
        Answer wrong = call(method, path, "{}", "not-the-token");

        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.error()).contains("Authorization: Bearer");
        assertThat(missing.response().headers().firstValue("WWW-Authenticate"))
            .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.error()).isEqualTo("The bearer token is not the admin token.");
        assertThat(wrong.response().body()).doesNotContain(TOKEN);
    }

    @Test
    void a_dead_letter_is_listed_shown_with_its_attempts_and_replayed_once_the_order_exists() throws Exception {
        UUID missing = UUID.randomUUID();
        UUID fine = newOrder("started");
        drop("replay-me.csv", HEADER + fine + ",processing,\n" + missing + ",processing,\n");

        JsonNode letter = awaitDeadLetterOf(missing);
        assertThat(letter.path("state").asText()).isEqualTo("open");
        assertThat(letter.path("store").asText()).isEqualTo("default");
        assertThat(letter.path("source").asText()).isEqualTo("file");
        assertThat(letter.path("file").path("name").asText()).isEqualTo("replay-me.csv");
        assertThat(letter.path("file").path("line").asInt()).isEqualTo(3);
        assertThat(letter.path("reason").asText()).contains("TribeMade refused the update");
        long id = letter.path("id").asLong();

        Answer shown = get("/api/dead-letters/" + id);
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.body().path("original").path("orderId").asText()).isEqualTo(missing.toString());
        assertThat(shown.body().path("original").path("status").asText()).isEqualTo("processing");
        assertThat(shown.body().path("calls")).singleElement().satisfies(call -> {
            assertThat(call.path("call").asText()).isEqualTo("read-order");
            assertThat(call.path("outcome").asText()).isEqualTo("refused");
            assertThat(call.path("answer").asText()).contains("HTTP 404");
            assertThat(call.path("at").isMissingNode()).isFalse();
        });
        assertThat(shown.body().path("lastError").asText()).contains("404");
        assertThat(shown.body().path("update").path("state").asText()).isEqualTo("dead-letter");

        platform.addOrder(STORE, missing, "started");
        Answer replayed = post("/api/dead-letters/" + id + "/replay", "");

        assertThat(replayed.status()).isEqualTo(200);
        assertThat(replayed.body().path("state").asText()).isEqualTo("replayed");
        await().atMost(Duration.ofSeconds(15)).until(() -> updateState(missing).equals("APPLIED"));
        assertThat(platform.statusHistory(missing)).containsExactly("processing");

        Answer again = post("/api/dead-letters/" + id + "/replay", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error()).startsWith("Dead letter " + id + " is not open: it was replayed at");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> requestsFor(missing) == 3);

        Answer update = get("/api/updates/" + letter.path("updateId").asLong());
        assertThat(update.body().path("update").path("state").asText()).isEqualTo("applied");
        assertThat(update.body().path("update").path("replays").asInt()).isEqualTo(1);
        assertThat(update.body().path("calls").findValuesAsText("outcome")).containsExactly("refused", "order-read",
                "applied");
        assertThat(update.body().path("deadLetters")).singleElement()
            .satisfies(parked -> assertThat(parked.path("replayedAt").isMissingNode()).isFalse());
    }

    @Test
    void a_discarded_dead_letter_keeps_its_reason_and_is_never_sent() throws Exception {
        UUID missing = UUID.randomUUID();
        drop("discard-me.csv", HEADER + missing + ",processing,\n");
        long id = awaitDeadLetterOf(missing).path("id").asLong();

        Answer noReason = post("/api/dead-letters/" + id + "/discard", "{}");
        Answer discarded = post("/api/dead-letters/" + id + "/discard",
                "{\"reason\": \"order was cancelled by phone\"}");

        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.error()).contains("reason is missing");
        assertThat(discarded.status()).isEqualTo(200);
        assertThat(discarded.body().path("state").asText()).isEqualTo("discarded");
        assertThat(discarded.body().path("discardReason").asText()).isEqualTo("order was cancelled by phone");
        assertThat(get("/api/dead-letters?state=discarded&order=" + missing).body().path("items")).singleElement()
            .satisfies(
                    item -> assertThat(item.path("discardReason").asText()).isEqualTo("order was cancelled by phone"));
        assertThat(get("/api/dead-letters?order=" + missing).body().path("total").asLong()).isZero();

        platform.addOrder(STORE, missing, "started");
        Answer replay = post("/api/dead-letters/" + id + "/replay", "");
        assertThat(replay.status()).isEqualTo(409);
        assertThat(replay.error()).contains("discarded at").contains("order was cancelled by phone");
        assertThat(requestsFor(missing)).as("only the first read, before the dead letter").isEqualTo(1);
    }

    @Test
    void many_dead_letters_are_replayed_by_ids_or_by_filter() throws Exception {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID third = UUID.randomUUID();
        drop("bulk.csv", HEADER + first + ",processing,\n" + second + ",processing,\n" + third + ",processing,\n");
        long a = awaitDeadLetterOf(first).path("id").asLong();
        long b = awaitDeadLetterOf(second).path("id").asLong();
        awaitDeadLetterOf(third);
        for (UUID order : List.of(first, second, third)) {
            platform.addOrder(STORE, order, "started");
        }

        assertThat(post("/api/dead-letters/replay", "{}").error()).contains("not neither");
        assertThat(post("/api/dead-letters/replay", "{\"ids\": [1], \"store\": \"default\"}").error())
            .contains("not both");
        assertThat(post("/api/dead-letters/replay", "{\"ids\": []}").status()).isEqualTo(400);
        Answer byIds = post("/api/dead-letters/replay", "{\"ids\": [" + a + ", " + b + ", 999999]}");
        Answer byFilter = post("/api/dead-letters/replay", "{\"order\": \"" + third + "\", \"source\": \"file\"}");

        assertThat(byIds.status()).isEqualTo(200);
        assertThat(byIds.body().path("replayed").findValuesAsText("id")).containsExactly(a + "", b + "");
        assertThat(byIds.body().path("skipped")).singleElement()
            .satisfies(
                    skipped -> assertThat(skipped.path("why").asText()).isEqualTo("There is no dead letter 999999."));
        assertThat(byFilter.body().path("replayed").findValuesAsText("orderId")).containsExactly(third.toString());
        assertThat(byFilter.body().path("more").asBoolean()).isFalse();
        await().atMost(Duration.ofSeconds(15))
            .until(() -> List.of(first, second, third).stream().allMatch(o -> updateState(o).equals("APPLIED")));
    }

    @Test
    void a_webhook_event_whose_processing_failed_is_processed_when_replayed() throws Exception {
        UUID order = UUID.randomUUID();
        // parked as the dead-letter channel parks an event whose processing failed
        jdbc.sql("""
                INSERT INTO webhook_event (store_key, event_type, order_id, platform_store_id, status, ordered_at,
                                           payload, state, received_at, last_received_at, detail)
                VALUES ('default', 'order.created', :order, :store, 'started', CURRENT_TIMESTAMP,
                        :payload, 'DEAD', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'processing failed')""")
            .param("order", order)
            .param("store", STORE)
            .param("payload", "{\"event\":\"order.created\",\"order_id\":\"" + order + "\"}")
            .update();
        long event = jdbc.sql("SELECT id FROM webhook_event WHERE order_id = :order")
            .param("order", order)
            .query(Long.class)
            .single();
        jdbc.sql("""
                INSERT INTO dead_letter (webhook_event_id, store_key, order_id, source, source_ref, attempts,
                                         reason, last_error, created_at)
                VALUES (:event, 'default', :order, 'webhook', 'webhook event ' || :event, 1,
                        'shipsync failed while processing the order.created event', 'SQLException',
                        CURRENT_TIMESTAMP)""").param("event", event).param("order", order.toString()).update();
        JsonNode letter = get("/api/dead-letters?source=webhook&order=" + order).body().path("items").get(0);
        JsonNode shown = get("/api/dead-letters/" + letter.path("id").asLong()).body();

        Answer replayed = post("/api/dead-letters/" + letter.path("id").asLong() + "/replay", "");

        assertThat(shown.path("original").path("payload").path("order_id").asText()).isEqualTo(order.toString());
        assertThat(shown.path("original").path("state").asText()).isEqualTo("dead");
        assertThat(replayed.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15))
            .until(() -> jdbc.sql("SELECT state FROM webhook_event WHERE id = :id")
                .param("id", event)
                .query(String.class)
                .single()
                .equals("PROCESSED"));
        assertThat(jdbc.sql("SELECT status FROM known_order WHERE order_id = :order")
            .param("order", order.toString())
            .query(String.class)
            .single()).isEqualTo("started");
    }

    @Test
    void dead_letters_are_filtered_by_store_source_reason_and_time() throws Exception {
        UUID missing = UUID.randomUUID();
        drop("filters.csv", HEADER + missing + ",processing,\n");
        JsonNode letter = awaitDeadLetterOf(missing);
        String created = letter.path("createdAt").asText();
        String base = "/api/dead-letters?order=" + missing;

        assertThat(total(base + "&store=default&source=file&reason=REFUSED")).isEqualTo(1);
        assertThat(total(base + "&source=webhook")).isZero();
        assertThat(total(base + "&store=elsewhere")).isZero();
        assertThat(total(base + "&reason=timeout")).isZero();
        assertThat(total(base + "&since=" + created)).isEqualTo(1);
        assertThat(total(base + "&until=" + created)).isZero();
        assertThat(total(base + "&state=all")).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|',
            textBlock = """
                    /api/dead-letters?size=500                | size must be between 1 and 200
                    /api/dead-letters?page=-1                 | page must be 0 or more
                    /api/dead-letters?source=email            | source must be file, webhook or courier
                    /api/dead-letters?state=lost              | state must be open, replayed, discarded or all
                    /api/dead-letters?since=yesterday         | since "yesterday" is not a valid OffsetDateTime
                    /api/dead-letters/abc                     | id "abc" is not a valid long
                    /api/updates?state=sent                   | state must be pending, sending, applied, unchanged, rejected or dead-letter
                    /api/updates?file=first                   | file "first" is not a valid Long
                    /api/files?size=0                         | size must be between 1 and 200
                    """)
    @SuppressWarnings("checkstyle:LineLength")
    void a_call_with_bad_input_is_answered_400_with_the_reason(String path, String error) throws Exception {
        Answer answer = get(path);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.error()).isEqualTo(error);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /api/dead-letters/987654  | There is no dead letter 987654.
            /api/updates/987654       | There is no status update 987654.
            /api/files/987654         | There is no file 987654.
            /api/nothing-here         | No such path: /api/nothing-here
            """)
    void an_unknown_id_or_path_is_answered_404(String path, String error) throws Exception {
        Answer answer = get(path);

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.error()).isEqualTo(error);
    }

    @Test
    void a_body_that_is_not_json_or_a_wrong_method_gets_an_error_not_a_stack_trace() throws Exception {
        Answer notJson = post("/api/dead-letters/1/discard", "{reason: nope");
        Answer wrongMethod = call("DELETE", "/api/dead-letters/1", null, TOKEN);

        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.error()).startsWith("The body is not the JSON this call takes");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.error()).isEqualTo("DELETE is not allowed here");
    }

    @Test
    void updates_are_listed_by_state_store_order_and_file_with_their_history() throws Exception {
        UUID order = newOrder("started");
        drop("updates.csv", HEADER + order + ",processing,\n");
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> updateState(order).equals("APPLIED"));

        Answer byOrder = get("/api/updates?state=applied&store=default&order=" + order.toString().toUpperCase());
        JsonNode update = byOrder.body().path("items").get(0);
        Answer byFile = get("/api/updates?file=" + update.path("file").path("id").asLong());
        Answer none = get("/api/updates?state=pending&order=" + order);

        assertThat(byOrder.body().path("total").asLong()).isEqualTo(1);
        assertThat(update.path("status").asText()).isEqualTo("processing");
        assertThat(update.path("source").asText()).isEqualTo("file");
        assertThat(update.path("file").path("name").asText()).isEqualTo("updates.csv");
        assertThat(update.path("detail").asText()).contains("TribeMade");
        assertThat(byFile.body().path("items").findValuesAsText("orderId")).containsExactly(order.toString());
        assertThat(none.body().path("total").asLong()).isZero();
        assertThat(get("/api/updates/" + update.path("id").asLong()).body().path("calls").findValuesAsText("call"))
            .containsExactly("read-order", "send");
    }

    @Test
    void a_file_shows_its_rows_by_outcome_its_progress_and_its_report() throws Exception {
        UUID applied = newOrder("started");
        UUID missing = UUID.randomUUID();
        drop("counted.csv", HEADER + applied + ",processing,\n" + missing + ",processing,\nnot-an-id,processing,\n"
                + applied + ",processing,\n");
        awaitReport("counted");

        JsonNode file = get("/api/files?size=200").body()
            .path("items")
            .findParents("name")
            .stream()
            .filter(item -> item.path("name").asText().equals("counted.csv"))
            .findFirst()
            .orElseThrow();
        JsonNode one = get("/api/files/" + file.path("id").asLong()).body();

        assertThat(one).isEqualTo(file);
        assertThat(file.path("state").asText()).isEqualTo("ingested");
        assertThat(file.path("stores").get(0).asText()).isEqualTo("default");
        assertThat(file.path("rows").path("applied").asLong()).isEqualTo(1);
        assertThat(file.path("rows").path("unchanged").asLong()).as("the repeated row").isEqualTo(1);
        assertThat(file.path("rows").path("rejected").asLong()).isEqualTo(1);
        assertThat(file.path("rows").path("deadLetter").asLong()).isEqualTo(1);
        assertThat(file.path("rows").path("pending").asLong()).isZero();
        assertThat(file.path("progress").path("settled").asLong()).isEqualTo(4);
        assertThat(file.path("progress").path("total").asLong()).isEqualTo(4);
        assertThat(file.path("progress").path("percent").asInt()).isEqualTo(100);
        assertThat(file.path("report").path("name").asText()).endsWith("-counted.result.csv");
    }

    @Test
    void a_file_s_report_downloads_as_csv_once_written() throws Exception {
        UUID order = newOrder("started");
        drop("download.csv", HEADER + order + ",processing,\n");
        List<String> report = awaitReport("download");
        long id = jdbc.sql("SELECT id FROM ingested_file WHERE file_name = 'download.csv'").query(Long.class).single();

        Answer download = get("/api/files/" + id + "/report");
        Answer none = get("/api/files/987654/report");

        assertThat(download.status()).isEqualTo(200);
        assertThat(download.response().headers().firstValue("Content-Type")).hasValue("text/csv;charset=UTF-8");
        assertThat(download.response().headers().firstValue("Content-Disposition")).hasValueSatisfying(
                value -> assertThat(value).startsWith("attachment; filename=\"").endsWith("-download.result.csv\""));
        assertThat(download.response().body().lines()).containsExactlyElementsOf(report);
        assertThat(none.status()).isEqualTo(404);
    }

    @Test
    void the_login_form_keeps_the_token_in_an_http_only_cookie_and_never_in_the_url() throws Exception {
        HttpResponse<String> wrong = form("/login", "token=guess");
        HttpResponse<String> right = form("/login", "token=" + TOKEN);
        HttpResponse<String> pageWithout = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        String cookie = right.headers().firstValue("Set-Cookie").orElseThrow();

        assertThat(wrong.statusCode()).isEqualTo(303);
        assertThat(wrong.headers().firstValue("Location")).hasValue("/login?failed");
        assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(right.statusCode()).isEqualTo(303);
        assertThat(right.headers().firstValue("Location")).hasValue("/");
        assertThat(cookie).startsWith("shipsync_token=" + TOKEN).contains("HttpOnly", "SameSite=Strict", "Path=/");
        assertThat(pageWithout.statusCode()).isEqualTo(303);
        assertThat(pageWithout.headers().firstValue("Location")).hasValue("/login");
        HttpResponse<String> session = HTTP
            .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/session"))
                .header("Cookie", cookie.substring(0, cookie.indexOf(';')))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(session.body()).isEqualTo("{\"role\":\"admin\"}");
    }

    @Test
    void a_store_paused_by_a_refused_key_shows_why_and_resumes_at_once_when_asked() throws Exception {
        UUID order = newOrder("started");
        platform.revokeApiKey(API_KEY);
        drop("paused.csv", HEADER + order + ",processing,\n");

        await().atMost(Duration.ofSeconds(15))
            .untilAsserted(() -> assertThat(store("default").path("state").asText()).isEqualTo("paused"));
        JsonNode paused = store("default");
        assertThat(paused.path("reason").asText()).contains("refused the API key", "shipsync.tribemade.api-key");
        assertThat(paused.path("pending").asLong()).isEqualTo(1);
        assertThat(paused.path("statusUpdates").asText()).isEqualTo("20 per 1s");
        assertThat(paused.toString()).doesNotContain(API_KEY);

        platform.restoreApiKey(API_KEY);
        Answer resumed = post("/api/stores/default/resume", "");

        assertThat(resumed.status()).isEqualTo(200);
        assertThat(resumed.body().path("state").asText()).isEqualTo("running");
        // the key is tried again now, not after the hour of auth-retry-interval
        await().atMost(Duration.ofSeconds(15)).until(() -> updateState(order).equals("APPLIED"));
        Answer again = post("/api/stores/default/resume", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error()).isEqualTo("Store default is not paused by a refused API key (it is running).");
        Answer unknown = post("/api/stores/nowhere/resume", "");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).isEqualTo("There is no store \"nowhere\"; the stores are default");
    }

    @Test
    void the_openapi_document_describes_every_call_and_the_bearer_token() throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v3/api-docs")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode document = JSON.readTree(response.body());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(document.path("paths").fieldNames()).toIterable()
            .containsExactlyInAnyOrder("/api/dead-letters", "/api/dead-letters/{id}", "/api/dead-letters/{id}/replay",
                    "/api/dead-letters/replay", "/api/dead-letters/{id}/discard", "/api/updates", "/api/updates/{id}",
                    "/api/files", "/api/files/{id}", "/api/files/{id}/report", "/api/stores",
                    "/api/stores/{name}/resume", "/api/session");
        assertThat(document.path("components").path("securitySchemes").path("admin-token").path("scheme").asText())
            .isEqualTo("bearer");
    }

    private HttpResponse<String> form(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode awaitDeadLetterOf(UUID order) {
        return await().atMost(Duration.ofSeconds(15))
            .until(() -> get("/api/dead-letters?order=" + order).body().path("items"), items -> items.size() == 1)
            .get(0);
    }

    private long total(String path) throws Exception {
        Answer answer = get(path);
        assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
        return answer.body().path("total").asLong();
    }

    private JsonNode store(String name) throws Exception {
        Answer stores = get("/api/stores");
        assertThat(stores.status()).isEqualTo(200);
        return stores.body()
            .findParents("name")
            .stream()
            .filter(store -> store.path("name").asText().equals(name))
            .findFirst()
            .orElseThrow();
    }

    private Answer get(String path) throws Exception {
        return call("GET", path, null, TOKEN);
    }

    private Answer post(String path, String body) throws Exception {
        return call("POST", path, body, TOKEN);
    }

    private Answer call(String method, String path, String body, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .method(method,
                    body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        boolean json = response.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
        return new Answer(response.statusCode(), json ? JSON.readTree(response.body()) : JSON.createObjectNode(),
                response);
    }

}
