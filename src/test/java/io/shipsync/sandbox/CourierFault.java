package io.shipsync.sandbox;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure the {@link CourierSandbox} plays on tracking requests, see
 * {@link CourierSandbox#fail(String, CourierFault, int)} and
 * {@link CourierSandbox#failAll(CourierFault, int)}.
 *
 * <p>
 * A fault is only used up by a request that passed authentication and the rate limit, so
 * every injected fault is really seen by the client once per count. A tracking read
 * changes nothing, so unlike the TribeMade {@link Fault} there is no "before or after
 * applying" distinction:
 * <ul>
 * <li>{@link Kind#SERVER_ERROR}: 503 with the HTML page of the gateway in front of the
 * API, not JSON, as an overloaded courier answers. A client must not try to read a
 * tracking state out of it.</li>
 * <li>{@link Kind#MALFORMED}: 200 with {@code Content-Type: application/json}, but only
 * the first half of the answer that was due, so the body is not valid JSON: a connection
 * cut mid-body by a proxy.</li>
 * <li>{@link Kind#DELAY}: the answer due at arrival, sent after {@code delay} of real
 * time, to trip the client's read timeout. Shipment changes made meanwhile are not in
 * it.</li>
 * </ul>
 */
public record CourierFault(Kind kind, Duration delay) {

    public enum Kind {

        SERVER_ERROR, MALFORMED, DELAY

    }

    public CourierFault {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.DELAY) != (delay != null)) {
            throw new IllegalArgumentException("a delay is required for DELAY and only for DELAY");
        }
        if (delay != null && delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative");
        }
    }

    public static CourierFault serverError() {
        return new CourierFault(Kind.SERVER_ERROR, null);
    }

    public static CourierFault malformed() {
        return new CourierFault(Kind.MALFORMED, null);
    }

    public static CourierFault delay(Duration delay) {
        return new CourierFault(Kind.DELAY, Objects.requireNonNull(delay, "delay"));
    }
}
