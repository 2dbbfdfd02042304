package io.shipsync.store;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The store platforms shipsync speaks, each as its reference documents it: what an order
 * id looks like, where its API lives, and whether it has an order read.
 */
public enum Platform {

    /**
     * https://docs.tribemade.in: {@code PUT /api/orders/{id}/status}, {@code GET
     * /api/orders/{id}}; 20/50 a min.
     */
    TRIBEMADE("TribeMade", "https://api.tribemade.in", true, Limits.TRIBEMADE_UPDATES),
    /**
     * Tybrite Labs: {@code PATCH /v1/orders/{id}}, signed, with an idempotency key; no
     * order read, no known limit.
     */
    TYBRITE("Tybrite Labs", "https://api.tybritelabs.com", false, Limits.UNPUBLISHED),
    /** Cekat: {@code PUT /api/orders/{id}}; no order read, no published limit. */
    CEKAT("Cekat", "https://api.cekat.ai", false, Limits.UNPUBLISHED);

    /** The platforms' rate limits where a store's configuration gives none. */
    static final class Limits {

        /** TribeMade's documented limits. */
        static final Store.Limit TRIBEMADE_UPDATES = new Store.Limit(20, Duration.ofSeconds(60));
        static final Store.Limit TRIBEMADE_ORDER_READS = new Store.Limit(50, Duration.ofSeconds(60));

        /**
         * Where a platform publishes no rate limit: one request every six seconds on
         * average, well under what an order API allows; a 429 with {@code Retry-After} is
         * honoured on top.
         */
        static final Store.Limit UNPUBLISHED = new Store.Limit(10, Duration.ofSeconds(60));

        private Limits() {
        }

    }

    private static final Pattern CEKAT_ID = Pattern.compile("[^\\s/]{1,100}");

    private final String displayName;

    private final URI defaultBaseUrl;

    private final boolean readsOrders;

    private final Store.Limit defaultUpdateLimit;

    Platform(String displayName, String defaultBaseUrl, boolean readsOrders, Store.Limit defaultUpdateLimit) {
        this.displayName = displayName;
        this.defaultBaseUrl = URI.create(defaultBaseUrl);
        this.readsOrders = readsOrders;
        this.defaultUpdateLimit = defaultUpdateLimit;
    }

    /** The platform's name as people write it, for logs and reports. */
    public String displayName() {
        return displayName;
    }

    /**
     * The spelling of {@code shipsync.stores.<name>.platform} and of the wire routes
     * ({@code direct:cekat-update}).
     */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public URI defaultBaseUrl() {
        return defaultBaseUrl;
    }

    /**
     * Whether the platform documents an order read, so an order's status can be asked
     * before changing it.
     */
    public boolean readsOrders() {
        return readsOrders;
    }

    public Store.Limit defaultUpdateLimit() {
        return defaultUpdateLimit;
    }

    /**
     * The order id as the platform spells it, or why the text is none: TribeMade and
     * Tybrite ids are UUIDs (kept in lower case, so that one order is one id whatever
     * case a file uses); Cekat ids are strings such as {@code order_xyz789}.
     */
    public OrderId orderId(String text) {
        if (this == CEKAT) {
            return CEKAT_ID.matcher(text).matches() ? new OrderId.Valid(text)
                    : new OrderId.Invalid("is not a valid order id on " + displayName + " (expected an id such as "
                            + "order_xyz789: at most 100 characters, no spaces or /)");
        }
        return isUuidText(text) ? new OrderId.Valid(text.toLowerCase(Locale.ROOT))
                : new OrderId.Invalid("is not a valid order id on " + displayName + " (expected a UUID such as "
                        + "770e8400-e29b-41d4-a716-446655440789)");
    }

    /**
     * Whether the text is a UUID as 8-4-4-4-12 hex digits, any case: what the pattern
     * {@code [0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}}
     * matches, checked by hand because a shipment file has one per row and the pattern
     * cost most of the time spent checking a row.
     */
    static boolean isUuidText(String text) {
        if (text.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean ok = (i == 8 || i == 13 || i == 18 || i == 23) ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** An order id checked against the platform's form. */
    public sealed interface OrderId {

        record Valid(String id) implements OrderId {
        }

        record Invalid(String problem) implements OrderId {
        }

    }

    public static Optional<Platform> fromKey(String text) {
        return text == null ? Optional.empty()
                : Arrays.stream(values()).filter(p -> p.key().equalsIgnoreCase(text.trim())).findFirst();
    }

    @Override
    public String toString() {
        return displayName;
    }

}
