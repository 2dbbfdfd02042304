package io.shipsync.shipment;

import java.time.Duration;
import java.util.List;

import io.shipsync.shipment.CheckEta.StoreBacklog;
import io.shipsync.store.Store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CheckEtaTest {

    private static final Store.Limit TRIBEMADE = new Store.Limit(20, Duration.ofSeconds(60));

    @Test
    void a_backlog_of_1200_requests_at_20_a_minute_is_about_an_hour() {
        String eta = CheckEta.describe(List.of(new StoreBacklog("default", TRIBEMADE, 1_150, 50)));

        assertThat(eta).isEqualTo("If dropped as a real file now, its last update would go out in about 1 h. "
                + "default: 50 status requests from this file after 1,150 waiting, at 20 per 60s.");
    }

    @Test
    void the_file_s_eta_is_its_slowest_store_s() {
        String eta = CheckEta.describe(List.of(new StoreBacklog("default", TRIBEMADE, 0, 30),
                new StoreBacklog("acme-cekat", new Store.Limit(10, Duration.ofSeconds(60)), 100, 1)));

        assertThat(eta).startsWith("If dropped as a real file now, its last update would go out in about 11 min.")
            .contains("default: 30 status requests from this file after 0 waiting, at 20 per 60s (about 2 min).")
            .contains("acme-cekat: 1 status request from this file after 100 waiting, at 10 per 60s (about 11 min).");
    }

    @Test
    void a_file_that_would_send_nothing_says_so() {
        assertThat(CheckEta.describe(List.of())).isEqualTo("If dropped as a real file now, nothing would be sent.");
    }

    @Test
    void durations_are_rounded_up_to_the_minute() {
        assertThat(CheckEta.readable(Duration.ofSeconds(3))).isEqualTo("less than a minute");
        assertThat(CheckEta.readable(Duration.ofSeconds(61))).isEqualTo("about 2 min");
        assertThat(CheckEta.readable(Duration.ofMinutes(63))).isEqualTo("about 1 h 3 min");
        assertThat(CheckEta.readable(Duration.ofHours(50))).isEqualTo("about 50 h");
    }

}
