package io.shipsync.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.stereotype.Component;

/**
 * Exponential backoff with jitter for failed attempts, so that many updates failing
 * together do not retry together.
 */
@Component
public class RetryPolicy {

    private final StatusUpdateProperties properties;

    private final Clock clock;

    public RetryPolicy(StatusUpdateProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * When to try again after the given number of failed attempts: half to all of the
     * doubled delay.
     */
    public Instant nextAttemptAfter(int attempts) {
        long base = properties.retryDelay().toMillis();
        long doubled = base << Math.min(attempts - 1, 30);
        long capped = Math.min(doubled <= 0 ? Long.MAX_VALUE : doubled, properties.retryMaxDelay().toMillis());
        long delay = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        return clock.instant().plus(Duration.ofMillis(delay));
    }

    /** A duration as people write it: 24h, 1h30m, 45s. */
    static String readable(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return seconds + "s";
        }
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        return (hours > 0 ? hours + "h" : "") + (minutes > 0 || hours == 0 ? minutes + "m" : "");
    }

}
