package io.shipsync.shipment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.shipsync.outbox.Outbox;
import io.shipsync.store.Store;
import io.shipsync.store.Stores;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * When a dry run's updates would be through, were the file dropped for real now: per
 * store, its backlog (updates still to send, and accepted rows not yet in the outbox) and
 * then the file's would-be status requests, at the store's status-update limit; the
 * file's ETA is its slowest store's. Order reads have a budget of their own and are not
 * counted.
 */
@Component
class CheckEta {

    private final JdbcClient jdbc;

    private final Outbox outbox;

    private final Stores stores;

    CheckEta(JdbcClient jdbc, Outbox outbox, Stores stores) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.stores = stores;
    }

    /**
     * A store a dry run would send to.
     *
     * @param waiting status requests ahead of the file's: the store's unsettled updates
     * and accepted rows (each at least one request)
     * @param fromFile the file's would-be status requests for the store
     */
    record StoreBacklog(String store, Store.Limit limit, long waiting, long fromFile) {

        Duration time() {
            return limit.timeFor(waiting + fromFile);
        }

    }

    /** The stores a checked file would send to, with their backlog now. */
    List<StoreBacklog> of(long fileId) {
        var backlogs = new ArrayList<StoreBacklog>();
        jdbc.sql("""
                SELECT store_key, SUM(sends) AS sends FROM checked_row
                WHERE file_id = :id AND sends > 0 GROUP BY store_key ORDER BY store_key""")
            .param("id", fileId)
            .query((rs, row) -> new Object[] { rs.getString("store_key"), rs.getLong("sends") })
            .list()
            .forEach(sends -> {
                String name = (String) sends[0];
                // a store no longer configured since the check has no limit to count with
                Optional<Store> store = stores.find(name);
                store.ifPresent(found -> backlogs.add(new StoreBacklog(name, found.statusUpdates(),
                        outbox.unsettled(name) + acceptedRows(name), (Long) sends[1])));
            });
        return backlogs;
    }

    private long acceptedRows(String store) {
        return jdbc.sql("SELECT COUNT(*) FROM accepted_row WHERE store_key = :store")
            .param("store", store)
            .query(Long.class)
            .single();
    }

    /**
     * The ETA as the report's last line and the log say it, e.g. "If dropped as a real
     * file now, its last update would go out in about 1 h. default: 50 status requests
     * from this file after 1,150 waiting, at 20 per 60s."
     */
    static String describe(List<StoreBacklog> backlogs) {
        if (backlogs.isEmpty()) {
            return "If dropped as a real file now, nothing would be sent.";
        }
        Duration slowest = backlogs.stream().map(StoreBacklog::time).max(Duration::compareTo).orElseThrow();
        var text = new StringBuilder("If dropped as a real file now, its last update would go out in ")
            .append(readable(slowest))
            .append('.');
        for (StoreBacklog backlog : backlogs) {
            text.append(' ')
                .append(backlog.store())
                .append(": ")
                .append(number(backlog.fromFile()))
                .append(backlog.fromFile() == 1 ? " status request" : " status requests")
                .append(" from this file after ")
                .append(number(backlog.waiting()))
                .append(" waiting, at ")
                .append(backlog.limit())
                .append(backlogs.size() > 1 ? " (" + readable(backlog.time()) + ")" : "")
                .append('.');
        }
        return text.toString();
    }

    /**
     * A duration as a warehouse person reads an ETA: "less than a minute", "about 12
     * min", "about 1 h 5 min", rounded up to the minute.
     */
    static String readable(Duration duration) {
        if (duration.compareTo(Duration.ofMinutes(1)) < 0) {
            return "less than a minute";
        }
        long minutes = (duration.toSeconds() + 59) / 60;
        long hours = minutes / 60;
        long rest = minutes % 60;
        if (hours == 0) {
            return "about " + rest + " min";
        }
        return "about " + number(hours) + " h" + (rest == 0 ? "" : " " + rest + " min");
    }

    private static String number(long count) {
        return String.format(Locale.ROOT, "%,d", count);
    }

}
