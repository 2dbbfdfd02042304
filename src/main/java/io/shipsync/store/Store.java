package io.shipsync.store;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * One store shipsync works for: a platform account with its own credentials and rate
 * limits. Its name is the key under which its updates, known orders, gates and throttles
 * are kept.
 *
 * @param configPrefix where it is configured, for messages:
 * {@code shipsync.stores.<name>}, or {@code shipsync.tribemade} for the store
 * {@value Stores#DEFAULT}
 * @param apiKey never logged
 * @param hmacSecret Tybrite only; never logged
 * @param platformStoreId TribeMade only: the store's id in order.created events; empty
 * when the store takes the events no other store claims
 * @param orderReads the order-read limit, on platforms that have order reads
 */
public record Store(String name, Platform platform, URI baseUrl, String apiKey, String hmacSecret,
        Optional<String> platformStoreId, Limit statusUpdates, Optional<Limit> orderReads, String configPrefix) {

    /** At most {@code maxRequests} requests in any {@code period}. */
    public record Limit(int maxRequests, Duration period) {

        private static final Duration WINDOW_OPENS_LATE = Duration.ofSeconds(1);

        /**
         * Permits of this limit over another period, rounded down so the pace never
         * exceeds the limit: what a throttle with that period may hand out.
         */
        public int permitsPer(Duration otherPeriod) {
            return (int) Math.max(1, maxRequests * otherPeriod.toMillis() / period.toMillis());
        }

        /**
         * How long this many requests take at this limit, as shipsync sends them:
         * {@code maxRequests} at the start of each window, so the last window starts
         * {@code ceil(requests / maxRequests) - 1} windows from now. Each window opens up
         * to a second late: a platform's reset time comes in whole seconds, and shipsync
         * waits for it (60 updates at 20 a minute measured 121.9 s against 122 s reckoned
         * here). 1,200 status updates at 20 a minute take an hour.
         */
        public Duration timeFor(long requests) {
            if (requests <= 0) {
                return Duration.ZERO;
            }
            long laterWindows = (requests + maxRequests - 1) / maxRequests - 1;
            return period.plus(WINDOW_OPENS_LATE).multipliedBy(laterWindows);
        }

        @Override
        public String toString() {
            return maxRequests + " per " + period.toSeconds() + "s";
        }
    }

    /**
     * The key of a setting of this store, e.g. {@code shipsync.stores.acme.api-key}, for
     * messages.
     */
    public String configKey(String setting) {
        return configPrefix + "." + setting;
    }

    @Override
    public String toString() {
        return "Store[" + name + ", " + platform + ", " + baseUrl + ", updates " + statusUpdates
                + orderReads.map(limit -> ", reads " + limit).orElse("") + "]";
    }
}
