package io.shipsync.store;

import java.util.UUID;

import io.shipsync.TestDatabase;
import io.shipsync.TestDatabase.Database;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upgrading a database of the single-store days (migrations V1 to V4) to stores (V5)
 * keeps every update, known order and gate: what was the TribeMade store's becomes the
 * store named default, and order ids become text.
 */
class StoresMigrationTest {

    private static final UUID ORDER = UUID.fromString("770e8400-e29b-41d4-a716-446655440789");

    private final DriverManagerDataSource database = emptyDatabase();

    private final JdbcClient jdbc = JdbcClient.create(database);

    @Test
    void the_single_tribemade_store_becomes_the_store_named_default_with_nothing_lost() {
        migrate("4");
        jdbc.sql("""
                INSERT INTO status_update (store_key, order_id, target_status, source, state, attempts, next_attempt_at,
                                           created_at, updated_at)
                VALUES ('tribemade', :order, 'processing', 'csv', 'PENDING', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP,
                        CURRENT_TIMESTAMP)""").param("order", ORDER).update();
        jdbc.sql("""
                INSERT INTO known_order (store_key, order_id, status, learned_from, updated_at)
                VALUES ('tribemade', :order, 'started', 'PLATFORM', CURRENT_TIMESTAMP)""")
            .param("order", ORDER)
            .update();
        jdbc.sql("""
                INSERT INTO dispatch_gate (store_key, closed_until, auth_failed, reason, updated_at)
                VALUES ('tribemade/status-updates', CURRENT_TIMESTAMP, FALSE, '429', CURRENT_TIMESTAMP)""").update();
        jdbc.sql("INSERT INTO request_window (budget_key, answered_at)"
                + " VALUES ('tribemade/order-reads', CURRENT_TIMESTAMP)")
            .update();

        migrate("5");

        assertThat(jdbc.sql("SELECT store_key || ' ' || order_id FROM status_update").query(String.class).list())
            .containsExactly("default " + ORDER);
        assertThat(jdbc.sql("SELECT store_key || ' ' || order_id FROM known_order").query(String.class).list())
            .containsExactly("default " + ORDER);
        assertThat(jdbc.sql("SELECT store_key FROM dispatch_gate").query(String.class).list())
            .containsExactly("default/status-updates");
        assertThat(jdbc.sql("SELECT budget_key FROM request_window").query(String.class).list())
            .containsExactly("default/order-reads");
        // a Cekat id, and the same id in two stores: one update each
        for (String store : new String[] { "cekat-a", "cekat-b" }) {
            jdbc.sql("""
                    INSERT INTO status_update (store_key, order_id, target_status, source, state, attempts,
                                               next_attempt_at, created_at, updated_at)
                    VALUES (:store, 'order_xyz789', 'processing', 'csv', 'PENDING', 0, CURRENT_TIMESTAMP,
                            CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)""").param("store", store).update();
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM status_update WHERE order_id = 'order_xyz789'")
            .query(Long.class)
            .single()).isEqualTo(2);
    }

    /**
     * In the PostgreSQL test pass a real PostgreSQL database ({@link TestDatabase}), as
     * production upgrades; otherwise H2 in memory.
     */
    private static DriverManagerDataSource emptyDatabase() {
        if (TestDatabase.isPostgresql()) {
            Database postgresql = TestDatabase.forDatabase("stores_migration");
            return new DriverManagerDataSource(postgresql.url(), postgresql.username(), postgresql.password());
        }
        return new DriverManagerDataSource(
                "jdbc:h2:mem:stores-migration;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;"
                        + "DB_CLOSE_DELAY=-1",
                "", "");
    }

    private void migrate(String target) {
        Flyway.configure().dataSource(database).locations("classpath:db/migration").target(target).load().migrate();
    }

}
