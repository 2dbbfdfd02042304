package io.shipsync.shipment;

import java.time.Duration;
import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcOrphanLockAwareIdempotentRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The read lock of the inbox that every instance shares ({@code readLock:
 * idempotent-changed} in {@code routes/shipment-files.camel.yaml} and
 * {@code shipment-check.camel.yaml}): before reading a file, an instance adds a row for
 * it in the database, which only one instance can do; while it reads, it refreshes the
 * row every {@link #KEEP_ALIVE}; when it is done the row goes. A row not refreshed for
 * {@link #ORPHANED_AFTER} belonged to an instance that died, and another instance takes
 * the file over. Camel's file locks ({@code fileLock}, {@code rename}) are advisory or
 * per-process and would let two instances read the same file.
 */
@Configuration(proxyBeanMethods = false)
class InboxLockConfiguration {

    static final Duration KEEP_ALIVE = Duration.ofSeconds(5);

    static final Duration ORPHANED_AFTER = Duration.ofSeconds(30);

    @Bean
    JdbcOrphanLockAwareIdempotentRepository inboxLocks(DataSource dataSource, CamelContext camelContext) {
        var locks = new JdbcOrphanLockAwareIdempotentRepository(dataSource, "shipsync-inbox", camelContext);
        // the table is created by migration V8, on H2 and PostgreSQL alike
        locks.setCreateTableIfNotExists(false);
        locks.setLockKeepAliveIntervalMillis(KEEP_ALIVE.toMillis());
        locks.setLockMaxAgeMillis(ORPHANED_AFTER.toMillis());
        return locks;
    }

}
