package io.shipsync.webhook;

import java.util.Locale;

/**
 * A webhook request shipsync does not accept: answered with its reason's HTTP status and
 * the message as the JSON error.
 */
public class WebhookRefusedException extends RuntimeException {

    /**
     * Why a request is refused, in a closed set: the {@code reason} of the refusals'
     * metric, where the message, which quotes the request, would be a new series for
     * every sender's mistake.
     */
    public enum Reason {

        /** Neither a token nor an HMAC secret is configured: every request is refused. */
        NO_CREDENTIAL(401),
        /** The shared token is missing or wrong. */
        BAD_TOKEN(401),
        /** The signature or its timestamp is missing, stale or wrong. */
        BAD_SIGNATURE(401),
        /** Not {@code application/json} in UTF-8. */
        WRONG_CONTENT_TYPE(415),
        /** Over {@code shipsync.webhook.max-body-size}. */
        TOO_LARGE(413),
        /** Not JSON, not an object, or a field missing, of the wrong form or twice. */
        MALFORMED(400),
        /** An event other than {@code order.created}. */
        NOT_ORDER_CREATED(400),
        /** An order.created event whose status is not that of a new order. */
        NOT_NEW_ORDER(400),
        /** No store shipsync works for takes the event's {@code store_id}. */
        UNKNOWN_STORE(400);

        private final int httpStatus;

        Reason(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

    }

    private final Reason reason;

    public WebhookRefusedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public int httpStatus() {
        return reason.httpStatus();
    }

}
