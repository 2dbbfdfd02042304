package io.shipsync.sandbox;

import java.util.List;
import java.util.UUID;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the sandboxes started by the {@code sandbox} profile
 * ({@code shipsync.sandbox.*}): TribeMade, a courier, Tybrite Labs and Cekat.
 *
 * <p>
 * Without {@code seed-orders} the sandbox holds these orders (ids are all zeros up to the
 * last six digits): <pre>
 * 00000000-0000-4000-8000-000000100000  started
 * 00000000-0000-4000-8000-000000100001  started
 * 00000000-0000-4000-8000-000000100002  started
 * 00000000-0000-4000-8000-000000100003  processing
 * 00000000-0000-4000-8000-000000100004  dispatched  https://delhivery.com/track/DLVY100004
 * 00000000-0000-4000-8000-000000100005  delivered
 * 00000000-0000-4000-8000-000000100006  started     (for trying the webhook: examples/shipments.csv leaves it alone)
 * 00000000-0000-4000-8000-000000900000  started     of ANOTHER store (5a4db0c5-0000-4000-8000-000000000002): 403
 * </pre>
 *
 * @param port port on 127.0.0.1; the main config points
 * {@code shipsync.tribemade.base-url} at it
 * @param apiKey the key the sandbox store accepts
 * @param storeId the sandbox store
 * @param seedOrders orders to start with; replaces the defaults above when given
 * @param courierPort port on 127.0.0.1 of the fake courier (Delhivery's tracking API),
 * which reports {@value #DEMO_DELIVERED_AWB}, the AWB examples/shipments.csv dispatches,
 * as delivered
 * @param delhiveryToken the token the fake courier accepts
 * @param tybritePort port on 127.0.0.1 of the fake Tybrite Labs order API, holding
 * {@link #TYBRITE_DEMO_ORDERS}
 * @param tybriteApiKey the secret key ({@code tybrite_sk_...}) of the fake's one account
 * @param tybriteHmacSecret the HMAC secret that account signs requests with
 * @param cekatPort port on 127.0.0.1 of the fake Cekat order API, holding
 * {@link #CEKAT_DEMO_ORDERS}
 * @param cekatApiKey the API key of the fake's one account
 */
@ConfigurationProperties("shipsync.sandbox")
public record SandboxProperties(@DefaultValue("8089") int port, @DefaultValue("tb-sand-box-demo") String apiKey,
        @DefaultValue(SandboxProperties.DEFAULT_STORE_ID) UUID storeId, List<SeedOrder> seedOrders,
        @DefaultValue("8090") int courierPort, @DefaultValue("dlv-sand-box-demo") String delhiveryToken,
        @DefaultValue("8091") int tybritePort, @DefaultValue("tybrite_sk_test_sandboxdemo") String tybriteApiKey,
        @DefaultValue("tybrite-sandbox-hmac-demo") String tybriteHmacSecret, @DefaultValue("8092") int cekatPort,
        @DefaultValue("cekat-sand-box-demo") String cekatApiKey) {

    static final String DEMO_DELIVERED_AWB = "DLVY100001";

    static final String DEFAULT_STORE_ID = "5a4db0c5-0000-4000-8000-000000000001";
    static final UUID OTHER_STORE_ID = UUID.fromString("5a4db0c5-0000-4000-8000-000000000002");

    static final List<SeedOrder> DEFAULT_SEED_ORDERS = List.of(
            seed("00000000-0000-4000-8000-000000100000", "started", null),
            seed("00000000-0000-4000-8000-000000100001", "started", null),
            seed("00000000-0000-4000-8000-000000100002", "started", null),
            seed("00000000-0000-4000-8000-000000100003", "processing", null),
            seed("00000000-0000-4000-8000-000000100004", "dispatched", "https://delhivery.com/track/DLVY100004"),
            seed("00000000-0000-4000-8000-000000100005", "delivered", null),
            seed("00000000-0000-4000-8000-000000100006", "started", null),
            new SeedOrder(UUID.fromString("00000000-0000-4000-8000-000000900000"), "started", null, OTHER_STORE_ID));

    /** Orders of the Tybrite Labs sandbox's account. */
    static final List<DemoOrder> TYBRITE_DEMO_ORDERS = List.of(
            new DemoOrder("00000000-0000-4000-8000-000000200001", "pending"),
            new DemoOrder("00000000-0000-4000-8000-000000200002", "processing"),
            new DemoOrder("00000000-0000-4000-8000-000000200003", "pending"));

    /** Orders of the Cekat sandbox's account. */
    static final List<DemoOrder> CEKAT_DEMO_ORDERS = List.of(new DemoOrder("order_demo001", "paid"),
            new DemoOrder("order_demo002", "processing"), new DemoOrder("order_demo003", "pending"));

    public SandboxProperties {
        seedOrders = seedOrders == null || seedOrders.isEmpty() ? DEFAULT_SEED_ORDERS : List.copyOf(seedOrders);
    }

    /**
     * @param storeId store owning the order; leave out for the sandbox store
     */
    public record SeedOrder(UUID id, String status, String trackingUrl, UUID storeId) {
    }

    /**
     * An order a platform fake starts with: its id on that platform and its status there.
     */
    record DemoOrder(String id, String status) {

        @Override
        public String toString() {
            return id + " " + status;
        }
    }

    private static SeedOrder seed(String id, String status, String trackingUrl) {
        return new SeedOrder(UUID.fromString(id), status, trackingUrl, null);
    }

    // Records print every component; keep the keys and secrets out of any log that prints
    // these properties.
    @Override
    public String toString() {
        return "SandboxProperties[port=" + port + ", apiKey=****, storeId=" + storeId + ", seedOrders=" + seedOrders
                + ", courierPort=" + courierPort + ", delhiveryToken=****, tybritePort=" + tybritePort
                + ", tybriteApiKey=****, tybriteHmacSecret=****, cekatPort=" + cekatPort + ", cekatApiKey=****]";
    }
}
