package io.shipsync.sandbox;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(OutputCaptureExtension.class)
class SandboxConfigurationTest {

    private static final String DEFAULT_KEY = "tb-sand-box-demo";

    private static final UUID SANDBOX_STORE = UUID.fromString("5a4db0c5-0000-4000-8000-000000000001");

    // Port 0: the default 8089 may be taken on a build machine.
    private final ApplicationContextRunner sandboxProfile = new ApplicationContextRunner()
        .withUserConfiguration(SandboxConfiguration.class)
        .withInitializer(context -> context.getEnvironment().setActiveProfiles("sandbox"))
        .withPropertyValues("shipsync.sandbox.port=0", "shipsync.sandbox.courier-port=0",
                "shipsync.sandbox.tybrite-port=0", "shipsync.sandbox.cekat-port=0");

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void serves_the_default_seed_orders_under_the_sandbox_profile(CapturedOutput output) {
        sandboxProfile.run(context -> {
            TribeMadeSandbox sandbox = context.getBean(TribeMadeSandbox.class);

            assertThat(status(sandbox, "00000000-0000-4000-8000-000000100000")).isEqualTo(200);
            assertThat(status(sandbox, "00000000-0000-4000-8000-000000900000")).isEqualTo(403);
            assertThat(sandbox.order(UUID.fromString("00000000-0000-4000-8000-000000100004")))
                .isEqualTo(new SandboxOrder(UUID.fromString("00000000-0000-4000-8000-000000100004"), SANDBOX_STORE,
                        "dispatched", "https://delhivery.com/track/DLVY100004"));
            assertThat(SandboxProperties.DEFAULT_SEED_ORDERS).extracting(SandboxProperties.SeedOrder::status)
                .containsExactly("started", "started", "started", "processing", "dispatched", "delivered", "started",
                        "started");

            // the courier of the demo reports the AWB examples/shipments.csv dispatches
            // as delivered
            CourierSandbox courier = context.getBean(CourierSandbox.class);
            HttpResponse<String> tracking = http.send(
                    HttpRequest.newBuilder(URI.create(courier.baseUrl() + "/api/v1/packages/json/?waybill=DLVY100001"))
                        .header("Authorization", "Token dlv-sand-box-demo")
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(tracking.body()).contains("\"StatusType\":\"DL\"").contains("\"Status\":\"Delivered\"");

            assertThat(output).contains("TribeMade sandbox listening on " + sandbox.baseUrl())
                .contains("00000000-0000-4000-8000-000000100005 delivered")
                .contains("00000000-0000-4000-8000-000000900000 started (other store)")
                .doesNotContain(DEFAULT_KEY);
        });
    }

    @Test
    void starts_tybrite_and_cekat_with_their_demo_orders(CapturedOutput output) {
        sandboxProfile.run(context -> {
            TybriteSandbox tybrite = context.getBean(TybriteSandbox.class);
            CekatSandbox cekat = context.getBean(CekatSandbox.class);

            String ship = "{\"order_status\": \"shipped\", \"tracking_number\": \"1Z999AA10123456784\"}";
            String timestamp = Long.toString(Instant.now().getEpochSecond());
            HttpResponse<String> patched = http.send(HttpRequest
                .newBuilder(URI.create(tybrite.baseUrl() + "/v1/orders/00000000-0000-4000-8000-000000200002"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(ship))
                .header("Authorization", "Bearer tybrite_sk_test_sandboxdemo")
                .header("Idempotency-Key", "demo-ship-200002")
                .header("X-Timestamp", timestamp)
                .header("X-Signature", hmacSha256Base64("tybrite-sandbox-hmac-demo", timestamp + "." + ship))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
            assertThat(tybrite.order(UUID.fromString("00000000-0000-4000-8000-000000200002")).orderStatus())
                .isEqualTo("shipped");
            assertThat(tybrite.order(UUID.fromString("00000000-0000-4000-8000-000000200001")).orderStatus())
                .isEqualTo("pending");
            assertThat(tybrite.order(UUID.fromString("00000000-0000-4000-8000-000000200003")).orderStatus())
                .isEqualTo("pending");

            HttpResponse<String> put = http
                .send(HttpRequest.newBuilder(URI.create(cekat.baseUrl() + "/api/orders/order_demo001"))
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"status\": \"processing\"}"))
                    .header("Authorization", "Bearer cekat-sand-box-demo")
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            assertThat(put.body()).startsWith("{\"success\":true,");
            assertThat(cekat.order("order_demo001").status()).isEqualTo("processing");
            assertThat(cekat.order("order_demo002").status()).isEqualTo("processing");
            assertThat(cekat.order("order_demo003").status()).isEqualTo("pending");

            assertThat(output)
                .contains("Tybrite Labs sandbox listening on " + tybrite.baseUrl() + "; orders: "
                        + "00000000-0000-4000-8000-000000200001 pending, 00000000-0000-4000-8000-000000200002 "
                        + "processing, 00000000-0000-4000-8000-000000200003 pending")
                .contains("Cekat sandbox listening on " + cekat.baseUrl()
                        + "; orders: order_demo001 paid, order_demo002 processing, order_demo003 pending")
                .doesNotContain("tybrite_sk_test_sandboxdemo")
                .doesNotContain("tybrite-sandbox-hmac-demo")
                .doesNotContain("cekat-sand-box-demo");
            assertThat(context.getBean(SandboxProperties.class).toString()).doesNotContain(
                    "tybrite_sk_test_sandboxdemo", "tybrite-sandbox-hmac-demo", "cekat-sand-box-demo",
                    "dlv-sand-box-demo", DEFAULT_KEY);
        });
    }

    @Test
    void configured_seed_orders_replace_the_defaults() {
        sandboxProfile
            .withPropertyValues("shipsync.sandbox.api-key=tb-own-key",
                    "shipsync.sandbox.seed-orders[0].id=11111111-1111-4111-8111-111111111111",
                    "shipsync.sandbox.seed-orders[0].status=processing",
                    "shipsync.sandbox.seed-orders[0].tracking-url=https://bluedart.com/tracking/AWB1")
            .run(context -> {
                TribeMadeSandbox sandbox = context.getBean(TribeMadeSandbox.class);

                assertThat(sandbox.order(UUID.fromString("11111111-1111-4111-8111-111111111111")))
                    .isEqualTo(new SandboxOrder(UUID.fromString("11111111-1111-4111-8111-111111111111"), SANDBOX_STORE,
                            "processing", "https://bluedart.com/tracking/AWB1"));
                assertThatThrownBy(() -> sandbox.order(UUID.fromString("00000000-0000-4000-8000-000000100000")))
                    .isInstanceOf(IllegalArgumentException.class);
                assertThat(context.getBean(SandboxProperties.class).toString()).doesNotContain("tb-own-key");
            });
    }

    @Test
    void stops_listening_when_the_context_closes() {
        int[] ports = new int[3];
        sandboxProfile.run(context -> {
            ports[0] = context.getBean(TribeMadeSandbox.class).port();
            ports[1] = context.getBean(TybriteSandbox.class).port();
            ports[2] = context.getBean(CekatSandbox.class).port();
        });

        for (int port : ports) {
            assertThatThrownBy(
                    () -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                            HttpResponse.BodyHandlers.discarding()))
                .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void starts_nothing_without_the_sandbox_profile() {
        new ApplicationContextRunner().withUserConfiguration(SandboxConfiguration.class)
            .run(context -> assertThat(context).doesNotHaveBean(TribeMadeSandbox.class)
                .doesNotHaveBean(TybriteSandbox.class)
                .doesNotHaveBean(CekatSandbox.class));
    }

    private int status(TribeMadeSandbox sandbox, String orderId) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/api/orders/" + orderId))
            .header("X-API-Key", DEFAULT_KEY)
            .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String hmacSha256Base64(String secret, String payload) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    }

}
