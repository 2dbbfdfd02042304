package io.shipsync.platform;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import io.shipsync.order.OrderStatus;
import io.shipsync.outbox.StatusUpdate;
import io.shipsync.store.Store;

/**
 * One call to a store's platform, as the dispatcher (or a dry run) hands it to the
 * platform's wire route.
 *
 * @param update the update the call is for; null for an order read of a dry run, which
 * has no update
 * @param status the status to send; null for an order read
 */
public record PlatformRequest(Store store, String orderId, StatusUpdate update, OrderStatus status) {

    /** The exchange property that carries the request into a wire route. */
    public static final String PROPERTY = "shipsyncRequest";

    /** A call for an update in the outbox. */
    public PlatformRequest(Store store, StatusUpdate update, OrderStatus status) {
        this(store, update.orderId(), update, status);
    }

    /**
     * An order read that no update asked for: a dry run's look at the order. Not named
     * {@code orderRead}: the routes' {@code ${...shipsyncRequest.orderRead}} would call
     * it.
     */
    public static PlatformRequest readWithoutUpdate(Store store, String orderId) {
        return new PlatformRequest(store, orderId, null, null);
    }

    /** Whether this is an order read rather than a status update. */
    public boolean isOrderRead() {
        return status == null;
    }

    /**
     * The platform's key, naming its wire routes: {@code direct:<platform>-update},
     * {@code direct:<platform>-read}.
     */
    public String getPlatform() {
        return store.platform().key();
    }

    /**
     * The store's API root, without a trailing slash, for the wire routes' {@code toD}.
     */
    public String getBaseUrl() {
        String url = store.baseUrl().toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The order id as a path segment (Cekat ids are free text). */
    public String getOrderPath() {
        return URLEncoder.encode(orderId, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
