package io.shipsync.sandbox;

import java.time.Instant;

/**
 * One request as the sandbox saw it. The API key itself is deliberately not kept.
 *
 * @param arrivedAt when the sandbox handled it; the same instant the rate limiter counted
 * @param method HTTP method
 * @param path raw request path, without query string
 * @param apiKeyPresent whether the request carried an API key: a non-blank
 * {@code X-API-Key} header (TribeMade) or {@code Authorization: Bearer <key>} (Tybrite
 * Labs, Cekat)
 * @param status HTTP status answered, or {@link #NO_RESPONSE} when the connection was
 * dropped
 */
public record RecordedRequest(Instant arrivedAt, String method, String path, boolean apiKeyPresent, int status) {

    public static final int NO_RESPONSE = 0;

    public boolean dropped() {
        return status == NO_RESPONSE;
    }
}
