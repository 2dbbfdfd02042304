package io.shipsync.sandbox;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.List;
import java.util.UUID;

/**
 * Settings of the TribeMade sandbox started by the {@code sandbox} profile ({@code shipsync.sandbox.*}).
 *
 * <p>Without {@code seed-orders} the sandbox holds these orders (ids are all zeros up to the last six digits):
 * <pre>
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
 * @param port       port on 127.0.0.1; the main config points {@code shipsync.tribemade.base-url} at it
 * @param apiKey     the key the sandbox store accepts
 * @param storeId    the sandbox store
 * @param seedOrders orders to start with; replaces the defaults above when given
 * @param courierPort    port on 127.0.0.1 of the fake courier (Delhivery's tracking API), which reports
 *                       {@value #DEMO_DELIVERED_AWB}, the AWB examples/shipments.csv dispatches, as delivered
 * @param delhiveryToken the token the fake courier accepts
 */
@ConfigurationProperties("shipsync.sandbox")
public record SandboxProperties(
        @DefaultValue("8089") int port,
        @DefaultValue("tb-sand-box-demo") String apiKey,
        @DefaultValue(SandboxProperties.DEFAULT_STORE_ID) UUID storeId,
        List<SeedOrder> seedOrders,
        @DefaultValue("8090") int courierPort,
        @DefaultValue("dlv-sand-box-demo") String delhiveryToken) {

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

    public SandboxProperties {
        seedOrders = seedOrders == null || seedOrders.isEmpty() ? DEFAULT_SEED_ORDERS : List.copyOf(seedOrders);
    }

    /**
     * @param storeId store owning the order; leave out for the sandbox store
     */
    public record SeedOrder(UUID id, String status, String trackingUrl, UUID storeId) {
    }

    private static SeedOrder seed(String id, String status, String trackingUrl) {
        return new SeedOrder(UUID.fromString(id), status, trackingUrl, null);
    }

    // Records print every component; keep the key out of any log that prints these properties.
    @Override
    public String toString() {
        return "SandboxProperties[port=" + port + ", apiKey=****, storeId=" + storeId + ", seedOrders=" + seedOrders + "]";
    }
}
