package io.shipsync;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.shipsync.sandbox.CekatSandbox;
import io.shipsync.sandbox.TybriteSandbox;
import io.shipsync.webhook.WebhookClient;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A warehouse serving a TribeMade store, a Tybrite Labs store and a Cekat store drops one
 * file with a {@code store} column and gets one report, each row sent to its own store's
 * platform in that platform's words.
 */
@ExtendWith(OutputCaptureExtension.class)
// the first test's output holds the start-up log, which it checks for credentials
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThreePlatformsTest extends EndToEndTest {

    private static final String ADMIN_TOKEN = "admin-token-three-platforms";

    private static final String WEBHOOK_TOKEN = "webhook-token-three-platforms";

    private static final String WEBHOOK_SECRET = "webhook-hmac-three-platforms";

    /**
     * A SHA-256 HMAC in base64, as an X-Signature carries: none may be logged or
     * answered.
     */
    private static final Pattern SIGNATURE = Pattern.compile("[A-Za-z0-9+/]{43}=");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    private static final String TYBRITE_KEY = "tybrite_sk_test_threeplatforms";

    private static final String TYBRITE_SECRET = "three-platforms-hmac";

    private static final String CEKAT_KEY = "cekat-three-platforms";

    private static TybriteSandbox tybrite;

    private static CekatSandbox cekat;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 10, 20);
        tybrite = TybriteSandbox.builder().updateLimit(10, Duration.ofSeconds(1)).build().start();
        tybrite.addAccount(TYBRITE_KEY, TYBRITE_SECRET);
        cekat = CekatSandbox.builder().updateLimit(10, Duration.ofSeconds(1)).build().start();
        cekat.addAccount(CEKAT_KEY);
        registry.add("shipsync.stores.tybrite-shop.platform", () -> "tybrite");
        registry.add("shipsync.stores.tybrite-shop.base-url", tybrite::baseUrl);
        registry.add("shipsync.stores.tybrite-shop.api-key", () -> TYBRITE_KEY);
        registry.add("shipsync.stores.tybrite-shop.hmac-secret", () -> TYBRITE_SECRET);
        registry.add("shipsync.stores.tybrite-shop.status-updates.max-requests", () -> 10);
        registry.add("shipsync.stores.tybrite-shop.status-updates.period", () -> "1s");
        registry.add("shipsync.stores.cekat-shop.platform", () -> "cekat");
        registry.add("shipsync.stores.cekat-shop.base-url", cekat::baseUrl);
        registry.add("shipsync.stores.cekat-shop.api-key", () -> CEKAT_KEY);
        registry.add("shipsync.stores.cekat-shop.status-updates.max-requests", () -> 10);
        registry.add("shipsync.stores.cekat-shop.status-updates.period", () -> "1s");
        registry.add("shipsync.admin.token", () -> ADMIN_TOKEN);
        registry.add("shipsync.webhook.token", () -> WEBHOOK_TOKEN);
        registry.add("shipsync.webhook.hmac-secret", () -> WEBHOOK_SECRET);
        registry.add("shipsync.tribemade.platform-store-id", WebhookClient.PLATFORM_STORE::toString);
    }

    @AfterAll
    static void stopFakes() {
        tybrite.stop();
        cekat.stop();
    }

    @Test
    @Order(1)
    void one_file_for_three_stores_on_three_platforms_gets_one_report(CapturedOutput output) throws Exception {
        UUID tribemadeOrder = newOrder("started");
        UUID tybriteOrder = UUID.randomUUID();
        tybrite.addOrder(TYBRITE_KEY, tybriteOrder, "processing");
        String cekatOrder = "order_" + UUID.randomUUID().toString().substring(0, 8);
        cekat.addOrder(CEKAT_KEY, cekatOrder, "paid");

        drop("three-stores.csv", """
                store,order_id,status,tracking_url,courier,awb
                ,%s,processing,,,
                Tybrite-Shop,%s,dispatched,,delhivery,DLVY777
                cekat-shop,%s,cancelled,,,
                tybrite-shop,%s,processing,,,
                elsewhere,%s,processing,,,
                """.formatted(tribemadeOrder, tybriteOrder, cekatOrder, cekatOrder, cekatOrder));

        List<String> report = awaitReport("three-stores");
        assertThat(reportLine(report, 2)).startsWith("2," + tribemadeOrder + ",processing,applied,");
        assertThat(reportLine(report, 3)).startsWith("3," + tybriteOrder + ",dispatched,applied,")
            .contains("Tybrite Labs updated the order to dispatched");
        assertThat(reportLine(report, 4)).startsWith("4," + cekatOrder + ",cancelled,applied,")
            .contains("Cekat updated the order to cancelled");
        assertThat(reportLine(report, 5)).startsWith("5," + cekatOrder + ",processing,rejected,")
            .contains("not a valid order id on Tybrite Labs");
        assertThat(reportLine(report, 6)).startsWith("6," + cekatOrder + ",processing,rejected,")
            .contains("store \"\"elsewhere\"\" is not configured");
        assertThat(platform.statusHistory(tribemadeOrder)).containsExactly("processing");
        assertThat(tybrite.order(tybriteOrder).orderStatus()).isEqualTo("shipped");
        assertThat(tybrite.order(tybriteOrder).trackingNumber()).isEqualTo("DLVY777");
        assertThat(tybrite.order(tybriteOrder).shippedAt()).isNotNull();
        assertThat(cekat.order(cekatOrder).status()).isEqualTo("cancelled");
        assertThat(cekat.notifications(cekatOrder)).isEqualTo(1);
        // start-up, the stores' log line, requests, answers and the report: no credential
        // anywhere in the log
        assertThat(output.getAll()).contains("Stores: [");
        assertNoSecretIn(output.getAll());
    }

    @Test
    @Order(2)
    void no_key_token_secret_or_signature_appears_in_the_log_or_in_an_answer(CapturedOutput output) throws Exception {
        UUID order = UUID.randomUUID();
        String event = WebhookClient.orderCreated(order);
        String timestamp = String.valueOf(Instant.now().getEpochSecond());
        String signature = sign(WEBHOOK_SECRET, timestamp + "." + event);
        var webhook = new WebhookClient(port);
        UUID tybriteMissing = UUID.randomUUID();
        drop("secrets.csv", "store,order_id,status\ntybrite-shop," + tybriteMissing + ",processing\n");

        var accepted = webhook.post(event, "Content-Type", "application/json", "X-Webhook-Token", WEBHOOK_TOKEN,
                "X-Timestamp", timestamp, "X-Signature", signature);
        var badSignature = webhook.post(event, "Content-Type", "application/json", "X-Webhook-Token", WEBHOOK_TOKEN,
                "X-Timestamp", timestamp, "X-Signature", sign("not-the-secret", timestamp + "." + event));
        var wrongToken = webhook.post(event, "Content-Type", "application/json", "X-Webhook-Token", "guess",
                "X-Timestamp", timestamp, "X-Signature", signature);
        List<String> answers = new ArrayList<>(List.of(accepted.body(), badSignature.body(), wrongToken.body()));
        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(badSignature.statusCode()).isEqualTo(401);
        await().atMost(Duration.ofSeconds(15))
            .until(() -> admin("/api/dead-letters?order=" + tybriteMissing, ADMIN_TOKEN).contains("\"total\":1"));
        long letter = jdbc.sql("SELECT id FROM dead_letter WHERE order_id = :order")
            .param("order", tybriteMissing.toString())
            .query(Long.class)
            .single();
        for (String path : List.of("/api/stores", "/api/dead-letters?state=all", "/api/dead-letters/" + letter,
                "/api/updates?store=tybrite-shop", "/api/files")) {
            answers.add(admin(path, ADMIN_TOKEN));
        }
        answers.add(admin("/api/stores", ADMIN_TOKEN.substring(1)));
        answers.add(admin("/v3/api-docs", null));

        assertThat(String.join("\n", answers)).contains("tybrite-shop", "Tybrite Labs refused");
        assertNoSecretIn(String.join("\n", answers));
        assertNoSecretIn(output.getAll());
    }

    private static void assertNoSecretIn(String text) {
        assertThat(text).doesNotContain(API_KEY)
            .doesNotContain(TYBRITE_KEY)
            .doesNotContain(TYBRITE_SECRET)
            .doesNotContain(CEKAT_KEY)
            .doesNotContain(ADMIN_TOKEN)
            .doesNotContain(WEBHOOK_TOKEN)
            .doesNotContain(WEBHOOK_SECRET)
            .doesNotContainPattern(SIGNATURE);
    }

    private String admin(String path, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String sign(String secret, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

}
