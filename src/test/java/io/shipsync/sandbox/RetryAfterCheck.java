package io.shipsync.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks a client against a sandbox's {@link SlidingWindowRateLimiter} from the request
 * log alone: every 429 said {@code Retry-After} = the whole seconds, rounded up, until
 * the oldest accepted request of the window leaves it, so the request after a 429 may not
 * arrive before that.
 */
public final class RetryAfterCheck {

    private RetryAfterCheck() {
    }

    /**
     * @param requests every request of one API key to a sandbox built with
     * {@code updateLimit(any, window)}, in arrival order
     */
    public static void assertRetryAfterHonoured(List<RecordedRequest> requests, Duration window) {
        assertThat(requests).as("the stricter sandbox must have answered 429 at least once")
            .anySatisfy(r -> assertThat(r.status()).isEqualTo(429));
        Deque<Instant> accepted = new ArrayDeque<>();
        for (int i = 0; i < requests.size(); i++) {
            RecordedRequest request = requests.get(i);
            while (!accepted.isEmpty() && !accepted.peekFirst().plus(window).isAfter(request.arrivedAt())) {
                accepted.pollFirst();
            }
            if (request.status() == 429) {
                Duration untilFree = Duration.between(request.arrivedAt(), accepted.peekFirst().plus(window));
                long retryAfter = Math.max(1, untilFree.getSeconds() + (untilFree.getNano() > 0 ? 1 : 0));
                if (i + 1 < requests.size()) {
                    assertThat(requests.get(i + 1).arrivedAt())
                        .as("request after the 429 at %s (Retry-After: %d); requests %s", request.arrivedAt(),
                                retryAfter, requests)
                        .isAfterOrEqualTo(request.arrivedAt().plusSeconds(retryAfter));
                }
            }
            else if (request.status() != RecordedRequest.NO_RESPONSE) {
                accepted.addLast(request.arrivedAt());
            }
        }
    }

}
