package io.shipsync.platform;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Optional;

import io.shipsync.order.OrderStatus;

/**
 * A platform's answer to one request, as the spine's outcomes: each adapter classifies
 * its platform's codes and bodies into these, so the dispatch decisions are the same for
 * every platform.
 *
 * @param rateLimit the platform's {@code X-RateLimit-*} headers, when the answer had them
 * @param answeredAt when the answer came (or the request failed): the request reached the
 * platform before this, so the rate-limit window counts it from here, however long
 * recording the answer then takes
 */
public record PlatformAnswer(Outcome outcome, Optional<RateLimit> rateLimit, Instant answeredAt) {

    /**
     * @param remaining requests left in the current window
     * @param reset when the window frees a request
     */
    public record RateLimit(int remaining, Instant reset) {
    }

    /** What the answer means for the update. */
    public sealed interface Outcome {

        /**
         * The outcome's name in the audit trail: applied, order-read, refused,
         * unauthorized, rate-limited, failed or not-sent.
         */
        String kind();

        /**
         * The answer in a person's words, e.g. "TribeMade answered 503 (Service
         * Unavailable)".
         */
        String describe(String platform);

    }

    /**
     * The status was applied (or was already so and nothing happened again).
     *
     * @param orderNow the order's status as the answer shows it, on platforms that answer
     * with the order
     */
    public record Applied(Optional<OrderStatus> orderNow) implements Outcome {

        @Override
        public String kind() {
            return "applied";
        }

        @Override
        public String describe(String platform) {
            return platform + " applied it" + orderNow.map(now -> "; the order is now " + now).orElse("");
        }
    }

    /** An order read: the order's current status on the platform. */
    public record OrderRead(OrderStatus status, String trackingUrl) implements Outcome {

        @Override
        public String kind() {
            return "order-read";
        }

        @Override
        public String describe(String platform) {
            return platform + " has the order as " + status;
        }
    }

    /**
     * The platform refused the request; retrying cannot help. {@code reason} is the
     * platform's words.
     */
    public record Refused(int httpStatus, String reason) implements Outcome {

        @Override
        public String kind() {
            return "refused";
        }

        @Override
        public String describe(String platform) {
            return platform + " refused it: " + reason + " (HTTP " + httpStatus + ")";
        }
    }

    /**
     * The credentials were refused: a problem of the store's configuration, not of the
     * update.
     */
    public record Unauthorized(int httpStatus, String reason) implements Outcome {

        @Override
        public String kind() {
            return "unauthorized";
        }

        @Override
        public String describe(String platform) {
            return platform + " refused the API key: " + reason + " (HTTP " + httpStatus + ")";
        }
    }

    /** Too many requests: not a failure; try again at {@code retryAt}. */
    public record RateLimited(Instant retryAt) implements Outcome {

        @Override
        public String kind() {
            return "rate-limited";
        }

        @Override
        public String describe(String platform) {
            return platform + " asked to wait until " + retryAt + " (HTTP 429)";
        }
    }

    /**
     * No usable answer (5xx, a timeout, a dropped connection): the request may have been
     * applied.
     */
    public record Failed(int httpStatus, String error) implements Outcome {

        @Override
        public String kind() {
            return "failed";
        }

        @Override
        public String describe(String platform) {
            return httpStatus == 0 ? "no answer from " + platform + ": " + error
                    : platform + " answered " + httpStatus + " (" + error + ")";
        }
    }

    /** The request never left: the connection was refused or the host unknown. */
    public record NotSent(String error) implements Outcome {

        @Override
        public String kind() {
            return "not-sent";
        }

        @Override
        public String describe(String platform) {
            return "no answer from " + platform + ": " + error;
        }
    }

    /**
     * A request that got no HTTP answer: never sent when the connection could not be
     * made, else maybe applied.
     */
    public static PlatformAnswer ofConnectionFailure(Exception failure, Instant at) {
        String message = failure.getMessage();
        String error = failure.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
        boolean neverSent = failure instanceof ConnectException || failure instanceof UnknownHostException;
        return new PlatformAnswer(neverSent ? new NotSent(error) : new Failed(0, error), Optional.empty(), at);
    }
}
