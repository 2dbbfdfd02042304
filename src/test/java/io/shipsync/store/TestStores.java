package io.shipsync.store;

import java.util.Map;

import io.shipsync.dispatch.StatusUpdateProperties;
import io.shipsync.tribemade.TribeMadeProperties;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Stores bound from properties as Spring Boot binds them, with their defaults, for unit
 * tests.
 */
public final class TestStores {

    private TestStores() {
    }

    public static Stores of(Map<String, String> properties) {
        Binder binder = new Binder(new MapConfigurationPropertySource(properties));
        return new Stores(binder.bindOrCreate("shipsync", StoresProperties.class),
                binder.bindOrCreate("shipsync.tribemade", TribeMadeProperties.class),
                binder.bindOrCreate("shipsync.status-updates", StatusUpdateProperties.class));
    }

    /**
     * A TribeMade store named default (the single-store keys), a Tybrite store and a
     * Cekat store.
     */
    public static Stores threePlatforms() {
        return of(Map.of("shipsync.tribemade.api-key", "tb-test-key", "shipsync.stores.tybrite-shop.platform",
                "tybrite", "shipsync.stores.tybrite-shop.api-key", "tybrite_sk_live_key",
                "shipsync.stores.tybrite-shop.hmac-secret", "secret", "shipsync.stores.cekat-shop.platform", "cekat",
                "shipsync.stores.cekat-shop.api-key", "cekat-key"));
    }

}
