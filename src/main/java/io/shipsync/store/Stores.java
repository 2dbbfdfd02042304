package io.shipsync.store;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.shipsync.dispatch.StatusUpdateProperties;
import io.shipsync.store.StoresProperties.LimitSettings;
import io.shipsync.store.StoresProperties.StoreSettings;
import io.shipsync.tribemade.TribeMadeProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The stores shipsync works for, checked once at start-up: a configuration that cannot
 * work stops the start with a message naming each key at fault, instead of surfacing
 * later as refused requests.
 *
 * <p>
 * The single-store keys {@code shipsync.tribemade.*} define the TribeMade store named
 * {@value #DEFAULT} (with the limits
 * {@code shipsync.status-updates.max-requests}/{@code period} and
 * {@code shipsync.tribemade.order-reads.*}), when its API key is set or no other store is
 * configured. Further stores are {@code shipsync.stores.<name>}.
 *
 * <p>
 * A platform counts its rate limit per API key, and shipsync keeps one budget per store;
 * so two stores with the same key are refused: they are one account, and must be one
 * store.
 */
@Component("stores")
public class Stores {

    /**
     * The store of the single-store keys, and of shipment files without a {@code store}
     * column.
     */
    public static final String DEFAULT = "default";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9-]{1,100}");

    private static final Logger log = LoggerFactory.getLogger(Stores.class);

    private final Map<String, Store> byName = new TreeMap<>();

    public Stores(StoresProperties configured, TribeMadeProperties tribemade, StatusUpdateProperties updates) {
        List<String> problems = new ArrayList<>();
        if (tribemade.hasApiKey() || configured.stores().isEmpty()) {
            if (configured.stores().keySet().stream().anyMatch(DEFAULT::equalsIgnoreCase)) {
                problems.add("shipsync.stores." + DEFAULT + " and shipsync.tribemade.api-key both define the store "
                        + DEFAULT + ": keep one");
            }
            else {
                byName.put(DEFAULT, legacyStore(tribemade, updates, problems));
            }
        }
        configured.stores().forEach((name, settings) -> {
            if (!NAME.matcher(name).matches()) {
                problems.add("shipsync.stores." + name + ": a store name is letters, digits and - only");
            }
            else if (byName.keySet().stream().anyMatch(name::equalsIgnoreCase)) {
                problems.add("shipsync.stores." + name + ": another store has this name in another case");
            }
            else {
                store(name, settings, problems).ifPresent(store -> byName.put(name, store));
            }
        });
        checkAcross(byName.values(), problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(
                    "The store configuration cannot work:\n  - " + String.join("\n  - ", problems));
        }
        byName.values().forEach(Stores::warnOfTestKeyAgainstLiveApi);
        log.info("Stores: {}", byName.values());
    }

    public Collection<Store> all() {
        return byName.values();
    }

    /** The store of this name, in any case: file columns are matched that way too. */
    public Optional<Store> find(String name) {
        if (name == null) {
            return Optional.empty();
        }
        Store exact = byName.get(name.trim());
        return exact != null ? Optional.of(exact)
                : byName.values().stream().filter(store -> store.name().equalsIgnoreCase(name.trim())).findFirst();
    }

    public Store get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("no store named " + name + " is configured"));
    }

    /** The names of the stores, for a reason that lists them. */
    public String names() {
        return String.join(", ", byName.keySet());
    }

    /**
     * The TribeMade store an order.created event of this platform store belongs to: the
     * one whose {@code platform-store-id} it is, else the TribeMade store without one,
     * which takes the events no other claims.
     */
    public Optional<Store> forPlatformStoreId(String platformStoreId) {
        List<Store> tribemade = byName.values().stream().filter(s -> s.platform() == Platform.TRIBEMADE).toList();
        return tribemade.stream()
            .filter(s -> s.platformStoreId().filter(id -> id.equalsIgnoreCase(platformStoreId)).isPresent())
            .findFirst()
            .or(() -> tribemade.stream().filter(s -> s.platformStoreId().isEmpty()).findFirst());
    }

    private static Store legacyStore(TribeMadeProperties tribemade, StatusUpdateProperties updates,
            List<String> problems) {
        Store store = new Store(DEFAULT, Platform.TRIBEMADE, tribemade.baseUrl(), tribemade.apiKey(), null,
                Optional.ofNullable(tribemade.platformStoreId()).map(Object::toString),
                new Store.Limit(updates.maxRequests(), updates.period()),
                Optional.of(new Store.Limit(tribemade.orderReads().maxRequests(), tribemade.orderReads().period())),
                "shipsync.tribemade");
        if (!tribemade.hasApiKey()) {
            problems.add("shipsync.tribemade.api-key is empty: set TRIBEMADE_API_KEY (or configure stores under "
                    + "shipsync.stores)");
        }
        checkLimit(store.statusUpdates(), "shipsync.status-updates", problems);
        checkLimit(store.orderReads().orElseThrow(), "shipsync.tribemade.order-reads", problems);
        return store;
    }

    private static Optional<Store> store(String name, StoreSettings settings, List<String> problems) {
        String prefix = "shipsync.stores." + name;
        Optional<Platform> platform = Platform.fromKey(settings.platform());
        if (platform.isEmpty()) {
            problems.add(prefix + ".platform is "
                    + (settings.platform() == null ? "missing"
                            : "\"" + settings.platform() + "\", which shipsync does not speak")
                    + ": use tribemade, tybrite or cekat");
            return Optional.empty();
        }
        Platform on = platform.get();
        String apiKey = blankToNull(settings.apiKey());
        String hmacSecret = blankToNull(settings.hmacSecret());
        String platformStoreId = blankToNull(settings.platformStoreId());
        if (apiKey == null) {
            problems.add(prefix + ".api-key is empty: give the store's key through the environment, e.g. "
                    + "api-key: ${" + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_API_KEY}");
        }
        else if (on == Platform.TYBRITE && apiKey.startsWith("tybrite_pk_")) {
            problems.add(prefix + ".api-key is a Tybrite publishable key (tybrite_pk_...), which is read-only and "
                    + "answers 403 to an update: use the secret key (tybrite_sk_...)");
        }
        if (on == Platform.TYBRITE && hmacSecret == null) {
            problems.add(prefix + ".hmac-secret is empty: Tybrite signs every request with the HMAC secret from "
                    + "Settings > Integration Settings");
        }
        else if (on != Platform.TYBRITE && hmacSecret != null) {
            problems.add(prefix + ".hmac-secret is for Tybrite stores only; " + on + " does not sign requests");
        }
        if (on != Platform.TRIBEMADE && platformStoreId != null) {
            problems.add(prefix + ".platform-store-id is for TribeMade stores only (it maps order.created events)");
        }
        Store.Limit updates = limit(settings.statusUpdates(), on.defaultUpdateLimit());
        checkLimit(updates, prefix + ".status-updates", problems);
        Optional<Store.Limit> reads = Optional.empty();
        if (on.readsOrders()) {
            reads = Optional.of(limit(settings.orderReads(), Platform.Limits.TRIBEMADE_ORDER_READS));
            checkLimit(reads.get(), prefix + ".order-reads", problems);
        }
        else if (settings.orderReads() != null) {
            problems.add(prefix + ".order-reads: " + on + " documents no order read");
        }
        URI baseUrl = settings.baseUrl() == null ? on.defaultBaseUrl() : settings.baseUrl();
        return Optional.of(new Store(name, on, baseUrl, apiKey, hmacSecret, Optional.ofNullable(platformStoreId),
                updates, reads, prefix));
    }

    private static void checkAcross(Collection<Store> stores, List<String> problems) {
        Map<String, Store> byKey = new HashMap<>();
        Map<String, Store> byPlatformStoreId = new HashMap<>();
        Store unclaimed = null;
        for (Store store : stores) {
            if (store.apiKey() != null && !store.apiKey().isBlank()) {
                Store other = byKey.putIfAbsent(store.platform() + " " + store.apiKey(), store);
                if (other != null) {
                    problems.add(store.configKey("api-key") + " is the same key as " + other.configKey("api-key")
                            + ": the platform counts its rate limit per key, so one key must be one store");
                }
            }
            if (store.platform() != Platform.TRIBEMADE) {
                continue;
            }
            if (store.platformStoreId().isPresent()) {
                String id = store.platformStoreId().get().toLowerCase(Locale.ROOT);
                Store other = byPlatformStoreId.putIfAbsent(id, store);
                if (other != null) {
                    problems.add(store.configKey("platform-store-id") + " is the same as "
                            + other.configKey("platform-store-id") + ": an order.created event must map to one store");
                }
            }
            else if (unclaimed != null) {
                problems.add(store.configKey("platform-store-id") + " and " + unclaimed.configKey("platform-store-id")
                        + " are both empty: only one TribeMade store can take the events no other store claims");
            }
            else {
                unclaimed = store;
            }
        }
    }

    private static Store.Limit limit(LimitSettings settings, Store.Limit defaults) {
        if (settings == null) {
            return defaults;
        }
        return new Store.Limit(settings.maxRequests() == null ? defaults.maxRequests() : settings.maxRequests(),
                settings.period() == null ? defaults.period() : settings.period());
    }

    private static void checkLimit(Store.Limit limit, String prefix, List<String> problems) {
        if (limit.maxRequests() < 1) {
            problems.add(prefix + ".max-requests is " + limit.maxRequests() + ": it must be at least 1");
        }
        if (limit.period().compareTo(Duration.ofMillis(1)) < 0) {
            problems.add(prefix + ".period is " + limit.period() + ": it must be positive");
        }
    }

    /**
     * A sandbox key against a live API is most likely a mistake, but a harmless one: the
     * platform refuses it.
     */
    private static void warnOfTestKeyAgainstLiveApi(Store store) {
        if (store.apiKey().contains("_test_") && !isLoopback(store.baseUrl())) {
            log.warn("{} looks like a test key (it contains _test_) but {} is {}, a live address: check the key",
                    store.configKey("api-key"), store.configKey("base-url"), store.baseUrl());
        }
    }

    private static boolean isLoopback(URI url) {
        String host = url.getHost();
        if (host == null || host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            return host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?") && InetAddress.getByName(host).isLoopbackAddress();
        }
        catch (UnknownHostException e) {
            return false;
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }

}
