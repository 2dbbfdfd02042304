package io.shipsync.sandbox;

import java.time.Instant;

/**
 * One request as the {@link CourierSandbox} saw it. Credentials are not kept: a Delhivery
 * {@code token} query parameter is recorded as {@code token=<redacted>}, so a log of
 * requests can be printed in a failing test.
 *
 * @param arrivedAt when the sandbox handled it; the same instant the rate limiter counted
 * @param courier whose tracking path was asked for, null for any other path
 * @param method HTTP method
 * @param path raw request path, without query string
 * @param query raw query string with the token redacted, null when there was none
 * @param awb the waybill asked for, null when the request named none
 * @param status HTTP status answered (for a {@link CourierFault.Kind#DELAY} fault: the
 * one held back)
 */
public record CourierRequest(Instant arrivedAt, CourierSandbox.Courier courier, String method, String path,
        String query, String awb, int status) {

    public boolean throttled() {
        return status == 429;
    }
}
