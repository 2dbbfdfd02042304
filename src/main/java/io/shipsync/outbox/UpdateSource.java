package io.shipsync.outbox;

/** Who asked for a status update. */
public enum UpdateSource {
    CSV, WEBHOOK, COURIER;

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
