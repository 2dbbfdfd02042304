package io.shipsync;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * The database that holds shipsync's state. Unless {@code spring.datasource.url} names
 * another one (PostgreSQL in production), it is an embedded H2 file under
 * {@code shipsync.data-dir}, so a newcomer needs nothing installed.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    /**
     * PostgreSQL mode keeps the SQL portable. WRITE_DELAY=0 writes every commit to the
     * file at once: H2's default keeps commits in memory for half a second, and "commit,
     * then acknowledge" must survive a kill -9. DB_CLOSE_ON_EXIT=FALSE leaves closing to
     * Spring, after the routes have stopped: H2's own shutdown hook would close the
     * database under routes still finishing their work. CACHE_SIZE=4096 (KB) keeps H2's
     * page cache at 4 MB instead of its 16: a shipment file's rows pass through that
     * cache once, and with 16 MB each page lived long enough to be promoted and then died
     * in the old generation, so the heap after each collection climbed from 83 to 125 MB
     * until a marking cycle; with 4 MB it stays at 78 MB, and a 1,000,000-row file is
     * taken in with a quarter less CPU (IngestBenchmark, README "Benchmarks").
     */
    static final String EMBEDDED_URL = "jdbc:h2:file:%s;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"
            + ";DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=4096";

    static final String POSTGRESQL_LOCK_TIMEOUT = "SET lock_timeout = '10s'";

    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(DataSourceProperties properties, ShipsyncProperties shipsync) {
        if (!StringUtils.hasText(properties.getUrl())) {
            // an absolute path: H2 refuses a path relative to the working directory
            // unless it starts with "./"
            properties
                .setUrl(EMBEDDED_URL.formatted(shipsync.dataDir().toAbsolutePath().normalize().resolve("shipsync")));
        }
        HikariDataSource dataSource = properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
        if (properties.getUrl().startsWith("jdbc:postgresql:")) {
            // H2 gives up waiting for a row lock after 10 s; PostgreSQL waits for ever
            // unless told, and one
            // held row would stall a store's dispatch for good instead of leaving its
            // update for the next poll
            dataSource.setConnectionInitSql(POSTGRESQL_LOCK_TIMEOUT);
        }
        return dataSource;
    }

}
