package io.shipsync.tribemade;

import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/** A platform's answer to one request, classified by what shipsync must do about it. */
public sealed interface PlatformAnswer {

    /** The {@code X-RateLimit-*} headers, when the answer had them. */
    Optional<RateLimit> rateLimit();

    /**
     * @param remaining requests left in the current window
     * @param reset     when the window frees a request
     */
    record RateLimit(int remaining, Instant reset) {
    }

    /** 2xx. */
    record Success(JsonNode body, Optional<RateLimit> rateLimit) implements PlatformAnswer {
    }

    /** 400, 403, 404: retrying cannot help; the platform's {@code error} says why. */
    record Refused(int httpStatus, String error, Optional<RateLimit> rateLimit) implements PlatformAnswer {
    }

    /** 429: not a failure; try again at {@code retryAt}. */
    record RateLimited(Instant retryAt, Optional<RateLimit> rateLimit) implements PlatformAnswer {
    }

    /** 401: the API key is missing or wrong; a configuration problem, not a problem of the update. */
    record Unauthorized(String error, Optional<RateLimit> rateLimit) implements PlatformAnswer {
    }

    /** 5xx or anything unexpected: may pass; try again later. */
    record Failed(int httpStatus, String error, Optional<RateLimit> rateLimit) implements PlatformAnswer {
    }
}
