package io.shipsync.outbox;

import java.util.Locale;

/** Where an update in the outbox came from. */
public enum UpdateSource {

    CSV, WEBHOOK, COURIER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

}
