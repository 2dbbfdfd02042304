package io.shipsync.store;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store configuration contract: what is filled in, and what stops the start with the
 * key at fault named.
 */
@ExtendWith(OutputCaptureExtension.class)
class StoresTest {

    @Test
    void twelve_hundred_updates_at_twenty_a_minute_take_an_hour() {
        var limit = new Store.Limit(20, Duration.ofMinutes(1));

        // 60 windows, the last starting 59 minutes (and up to 59 late seconds) from now
        assertThat(limit.timeFor(1200)).isEqualTo(Duration.ofSeconds(59 * 61));
        assertThat(limit.timeFor(60)).isEqualTo(Duration.ofSeconds(122));
        assertThat(limit.timeFor(20)).as("one window: now").isZero();
        assertThat(limit.timeFor(0)).isZero();
    }

    @Test
    void the_single_store_keys_define_the_tribemade_store_named_default_with_the_global_limits() {
        Stores stores = TestStores
            .of(Map.of("shipsync.tribemade.api-key", "tb-key", "shipsync.tribemade.base-url", "http://127.0.0.1:9",
                    "shipsync.status-updates.max-requests", "7", "shipsync.status-updates.period", "30s"));

        Store store = stores.get(Stores.DEFAULT);
        assertThat(store.platform()).isEqualTo(Platform.TRIBEMADE);
        assertThat(store.statusUpdates()).isEqualTo(new Store.Limit(7, Duration.ofSeconds(30)));
        assertThat(store.orderReads()).contains(new Store.Limit(50, Duration.ofSeconds(60)));
        assertThat(store.configKey("api-key")).isEqualTo("shipsync.tribemade.api-key");
    }

    @Test
    void each_platform_gets_its_documented_or_conservative_defaults() {
        Stores stores = TestStores.threePlatforms();

        assertThat(stores.all()).extracting(Store::name).containsExactly("cekat-shop", "default", "tybrite-shop");
        assertThat(stores.get("tybrite-shop").baseUrl()).hasToString("https://api.tybritelabs.com");
        assertThat(stores.get("tybrite-shop").statusUpdates()).isEqualTo(new Store.Limit(10, Duration.ofSeconds(60)));
        assertThat(stores.get("tybrite-shop").orderReads()).isEmpty();
        assertThat(stores.get("cekat-shop").baseUrl()).hasToString("https://api.cekat.ai");
    }

    @Test
    void only_configured_stores_exist_when_the_single_store_key_is_not_set() {
        Stores stores = TestStores
            .of(Map.of("shipsync.stores.acme.platform", "cekat", "shipsync.stores.acme.api-key", "k"));

        assertThat(stores.all()).extracting(Store::name).containsExactly("acme");
        assertThat(stores.find(Stores.DEFAULT)).isEmpty();
    }

    @Test
    void an_unknown_platform_is_refused_naming_its_key() {
        assertThatThrownBy(() -> TestStores
            .of(Map.of("shipsync.stores.acme.platform", "shopify", "shipsync.stores.acme.api-key", "k")))
            .hasMessageContaining("shipsync.stores.acme.platform is \"shopify\", which shipsync does not speak: "
                    + "use tribemade, tybrite or cekat");
    }

    @Test
    void a_missing_credential_is_refused_naming_its_key() {
        assertThatThrownBy(() -> TestStores.of(Map.of("shipsync.stores.acme.platform", "tybrite",
                "shipsync.stores.acme.api-key", "tybrite_sk_live_x")))
            .hasMessageContaining("shipsync.stores.acme.hmac-secret is empty");
        assertThatThrownBy(() -> TestStores.of(Map.of("shipsync.stores.acme.platform", "cekat")))
            .hasMessageContaining("shipsync.stores.acme.api-key is empty: give the store's key through the "
                    + "environment, e.g. api-key: ${ACME_API_KEY}");
        assertThatThrownBy(() -> TestStores.of(Map.of()))
            .hasMessageContaining("shipsync.tribemade.api-key is empty: set TRIBEMADE_API_KEY");
    }

    @Test
    void a_tybrite_publishable_key_is_refused_because_it_cannot_write() {
        assertThatThrownBy(() -> TestStores.of(Map.of("shipsync.stores.acme.platform", "tybrite",
                "shipsync.stores.acme.api-key", "tybrite_pk_live_abc", "shipsync.stores.acme.hmac-secret", "s")))
            .hasMessageContaining("shipsync.stores.acme.api-key is a Tybrite publishable key (tybrite_pk_...)")
            .hasMessageContaining("use the secret key (tybrite_sk_...)");
    }

    @Test
    void a_test_key_against_a_live_address_is_a_warning_not_a_refusal(CapturedOutput output) {
        TestStores.of(Map.of("shipsync.stores.acme.platform", "tybrite", "shipsync.stores.acme.api-key",
                "tybrite_sk_test_abc", "shipsync.stores.acme.hmac-secret", "s", "shipsync.stores.local.platform",
                "tybrite", "shipsync.stores.local.api-key", "tybrite_sk_test_def", "shipsync.stores.local.hmac-secret",
                "s", "shipsync.stores.local.base-url", "http://127.0.0.1:8091"));

        assertThat(output).contains("shipsync.stores.acme.api-key looks like a test key")
            .doesNotContain("shipsync.stores.local.api-key looks like a test key")
            .doesNotContain("tybrite_sk_test_abc");
    }

    @Test
    void limits_that_are_not_positive_are_refused_naming_their_key() {
        assertThatThrownBy(() -> TestStores.of(Map.of("shipsync.stores.acme.platform", "cekat",
                "shipsync.stores.acme.api-key", "k", "shipsync.stores.acme.status-updates.max-requests", "0",
                "shipsync.stores.acme.status-updates.period", "0s")))
            .hasMessageContaining("shipsync.stores.acme.status-updates.max-requests is 0: it must be at least 1")
            .hasMessageContaining("shipsync.stores.acme.status-updates.period is PT0S: it must be positive");
    }

    @Test
    void two_stores_with_one_key_are_refused_because_the_platform_counts_the_limit_per_key() {
        assertThatThrownBy(
                () -> TestStores.of(Map.of("shipsync.stores.a.platform", "cekat", "shipsync.stores.a.api-key",
                        "same-key", "shipsync.stores.b.platform", "cekat", "shipsync.stores.b.api-key", "same-key")))
            .hasMessageContaining("shipsync.stores.b.api-key is the same key as shipsync.stores.a.api-key")
            .message()
            .doesNotContain("same-key");
    }

    @Test
    void settings_of_another_platform_and_bad_names_are_refused() {
        Map<String, String> properties = new HashMap<>(
                Map.of("shipsync.stores.acme.platform", "cekat", "shipsync.stores.acme.api-key", "k",
                        "shipsync.stores.acme.hmac-secret", "s", "shipsync.stores.acme.platform-store-id",
                        "5a4db0c5-0000-4000-8000-000000000001", "shipsync.stores.acme.order-reads.max-requests", "5"));
        properties
            .putAll(Map.of("shipsync.stores.[bad name].platform", "cekat", "shipsync.stores.[bad name].api-key", "k2"));

        assertThatThrownBy(() -> TestStores.of(properties))
            .hasMessageContaining("shipsync.stores.acme.hmac-secret is for Tybrite stores only")
            .hasMessageContaining("shipsync.stores.acme.platform-store-id is for TribeMade stores only")
            .hasMessageContaining("shipsync.stores.acme.order-reads: Cekat documents no order read")
            .hasMessageContaining("shipsync.stores.bad name: a store name is letters, digits and - only");
    }

    @Test
    void webhook_events_map_to_the_store_of_their_store_id_or_to_the_one_taking_the_rest() {
        Stores stores = TestStores.of(Map.of("shipsync.tribemade.api-key", "tb-1", "shipsync.stores.north.platform",
                "tribemade", "shipsync.stores.north.api-key", "tb-2", "shipsync.stores.north.platform-store-id",
                "5a4db0c5-0000-4000-8000-00000000000a"));

        assertThat(stores.forPlatformStoreId("5A4DB0C5-0000-4000-8000-00000000000A")).map(Store::name)
            .contains("north");
        assertThat(stores.forPlatformStoreId("5a4db0c5-0000-4000-8000-00000000000b")).map(Store::name)
            .contains(Stores.DEFAULT);
        assertThatThrownBy(() -> TestStores.of(Map.of("shipsync.tribemade.api-key", "tb-1",
                "shipsync.stores.north.platform", "tribemade", "shipsync.stores.north.api-key", "tb-2")))
            .hasMessageContaining("are both empty: only one TribeMade store can take the events no other store claims");
    }

    @Test
    void secrets_never_show_in_a_store_printed() {
        Store store = TestStores.threePlatforms().get("tybrite-shop");

        assertThat(store.toString()).doesNotContain("tybrite_sk_live_key").doesNotContain("secret");
    }

}
