package io.shipsync;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.shipsync.sandbox.CekatSandbox;
import io.shipsync.sandbox.TybriteSandbox;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A warehouse serving a TribeMade store, a Tybrite Labs store and a Cekat store drops one
 * file with a {@code store} column and gets one report, each row sent to its own store's
 * platform in that platform's words.
 */
@ExtendWith(OutputCaptureExtension.class)
class ThreePlatformsTest extends EndToEndTest {

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
    }

    @AfterAll
    static void stopFakes() {
        tybrite.stop();
        cekat.stop();
    }

    @Test
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
        assertThat(output.getAll()).contains("Stores: [")
            .doesNotContain(API_KEY)
            .doesNotContain(TYBRITE_KEY)
            .doesNotContain(TYBRITE_SECRET)
            .doesNotContain(CEKAT_KEY);
    }

}
