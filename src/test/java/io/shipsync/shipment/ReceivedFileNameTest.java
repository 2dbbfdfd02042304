package io.shipsync.shipment;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The unique name a received file's archive copy and report share. */
class ReceivedFileNameTest {

    @Test
    void names_a_file_by_its_second_of_receipt_in_utc_and_its_id() {
        assertThat(new ReceivedFileName(7, Instant.parse("2026-01-02T03:04:05.600Z")).unique("shipments.csv"))
            .isEqualTo("20260102-030405-7-shipments.csv");
    }

    @Test
    void rounds_to_the_microsecond_as_the_database_keeps_the_time_of_receipt() {
        // stored as 10:01:00.000000: the name made at receipt must match the one made
        // from the stored row
        assertThat(new ReceivedFileName(8, Instant.parse("2026-01-02T10:00:59.999999700Z")).unique("a.csv"))
            .isEqualTo("20260102-100100-8-a.csv");
        assertThat(new ReceivedFileName(8, Instant.parse("2026-01-02T10:00:59.999999400Z")).unique("a.csv"))
            .isEqualTo("20260102-100059-8-a.csv");
    }

}
