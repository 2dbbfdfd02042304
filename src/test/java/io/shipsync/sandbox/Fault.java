package io.shipsync.sandbox;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure a platform sandbox (TribeMade, Tybrite Labs, Cekat) plays back on the next
 * requests of one HTTP method, see
 * {@link JsonApiSandbox#injectFault(String, Fault, int)}.
 *
 * <p>
 * Where each kind acts in the request pipeline matters for what a test may assert:
 * <ul>
 * <li>{@link Kind#DROP_BEFORE_APPLY}: right after the request was read, before
 * authentication. The request is not counted against the rate limit and changes
 * nothing.</li>
 * <li>{@link Kind#SERVER_ERROR}: after authentication and rate limiting (the request uses
 * budget, like a real 500 from behind the limiter would), instead of looking at the
 * order. Changes nothing; Tybrite does not remember it under the request's idempotency
 * key.</li>
 * <li>{@link Kind#DROP_AFTER_APPLY}: the request is processed completely (usually: the
 * status changes), then the connection is closed instead of answering. The "outcome
 * unknown" case.</li>
 * <li>{@link Kind#DELAY}: the request is processed completely on arrival, only the answer
 * is held back.</li>
 * </ul>
 * The three later kinds are only used up by requests that pass authentication and rate
 * limiting, so each injected fault is really observed once. {@code error} is the text of
 * a {@link Kind#SERVER_ERROR}'s JSON error, when given.
 */
public record Fault(Kind kind, Duration delay, String error) {

    public enum Kind {

        SERVER_ERROR, DROP_BEFORE_APPLY, DROP_AFTER_APPLY, DELAY

    }

    public Fault {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.DELAY) != (delay != null)) {
            throw new IllegalArgumentException("a delay is required for DELAY and only for DELAY");
        }
        if (delay != null && delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative");
        }
    }

    public static Fault serverError() {
        return serverError("Internal server error");
    }

    /** A 500 whose JSON error says {@code error}, e.g. a gateway's page-long message. */
    public static Fault serverError(String error) {
        return new Fault(Kind.SERVER_ERROR, null, Objects.requireNonNull(error, "error"));
    }

    public static Fault dropBeforeApply() {
        return new Fault(Kind.DROP_BEFORE_APPLY, null, null);
    }

    public static Fault dropAfterApply() {
        return new Fault(Kind.DROP_AFTER_APPLY, null, null);
    }

    public static Fault delay(Duration delay) {
        return new Fault(Kind.DELAY, Objects.requireNonNull(delay, "delay"), null);
    }

    boolean dropsConnection() {
        return kind == Kind.DROP_BEFORE_APPLY || kind == Kind.DROP_AFTER_APPLY;
    }
}
