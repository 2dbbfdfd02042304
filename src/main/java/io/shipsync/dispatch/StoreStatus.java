package io.shipsync.dispatch;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A store's dispatch as a person needs to see it.
 *
 * @param state running; paused (its platform refused the API key: nothing is sent until
 * the key works, or a person resumes it); platform-unavailable (its platform is down: one
 * probe at {@code until}); rate-limited (the platform's window is spent until
 * {@code until})
 * @param reason why it is not running, in a person's words
 * @param pending updates still to send
 * @param oldestPendingSince when the oldest of them joined the outbox
 * @param statusUpdates the limit, e.g. "20 per PT1M"
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoreStatus(String name, String platform, String state, String reason, Instant until, long pending,
        Instant oldestPendingSince, String statusUpdates, String orderReads) {

    public boolean isRunning() {
        return state.equals("running");
    }

}
