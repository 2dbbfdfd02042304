package io.shipsync.platform;

import io.shipsync.store.Platform;

import org.apache.camel.Message;

/**
 * One platform's order API. Its wire routes ({@code direct:<platform>-update}, and
 * {@code direct:<platform>-read} where the platform has order reads) show the method,
 * path and headers; the adapter builds the body, adds the credentials and signature, and
 * classifies the answer into the spine's outcomes.
 */
public interface PlatformAdapter {

    Platform platform();

    /**
     * Puts the request that brings the order to the request's status on the message:
     * body, credentials and any signature. The same update and status give the same body,
     * so a request sent again is the same request.
     */
    void prepareUpdate(Message message, PlatformRequest request);

    PlatformAnswer classifyUpdate(Message message);

    /**
     * Puts an order read on the message; only on platforms that
     * {@link Platform#readsOrders() read orders}.
     */
    default void prepareRead(Message message, PlatformRequest request) {
        throw new UnsupportedOperationException(platform() + " documents no order read");
    }

    default PlatformAnswer classifyRead(Message message) {
        throw new UnsupportedOperationException(platform() + " documents no order read");
    }

}
