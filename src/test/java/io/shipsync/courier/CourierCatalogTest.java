package io.shipsync.courier;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.shipsync.courier.CourierCatalog.Auth;
import io.shipsync.courier.CourierCatalog.Courier;
import io.shipsync.courier.CourierCatalog.Recognised;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading couriers' configuration: tracking links, answers and status tables. */
class CourierCatalogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Courier DELHIVERY = new Courier("https://delhivery.com/track/{awb}",
            "https://track.delhivery.com/api/v1/packages/json/?waybill={awb}",
            new Auth("Authorization", null, "Token ", "t"), 60, Duration.ofSeconds(60),
            List.of("/ShipmentData/0/Shipment/Status/StatusType", "/ShipmentData/0/Shipment/Status/Status"),
            "/ShipmentData/0/Shipment/Status/StatusDateTime", "/ShipmentData/0/Shipment/Status/StatusLocation",
            "/Error",
            Map.of(TrackingState.DELIVERED, List.of("DL:Delivered"), TrackingState.RETURNED, List.of("RT:*", "DL:RTO"),
                    TrackingState.OUT_FOR_DELIVERY, List.of("UD:Dispatched"), TrackingState.EXCEPTION,
                    List.of("DL:*")));

    private final CourierCatalog catalog = new CourierCatalog(
            Map.of("Delhivery", DELHIVERY, "bluedart", new Courier("https://bluedart.com/tracking/{awb}", null,
                    new Auth(null, null, "", ""), 60, Duration.ofSeconds(60), List.of(), null, null, null, Map.of())));

    @Test
    void recognises_courier_and_awb_in_a_link_built_from_a_template() {
        assertThat(catalog.recognise("https://delhivery.com/track/DLVY100001"))
            .contains(new Recognised("delhivery", "DLVY100001"));
        assertThat(catalog.recognise("https://BlueDart.com/tracking/AWB-7"))
            .contains(new Recognised("bluedart", "AWB-7"));
        assertThat(catalog.recognise("https://delhivery.com/track/")).isEmpty();
        assertThat(catalog.recognise("https://track.example/Z9")).isEmpty();
    }

    @Test
    void only_couriers_with_an_api_and_its_key_are_polled() {
        assertThat(catalog.polled()).containsOnlyKeys("delhivery");
        assertThat(catalog.courier("bluedart").orElseThrow().whyNotPolled())
            .contains("no tracking API configured (api-url)");
        Courier withoutKey = new Courier(null, "https://x.example/{awb}", new Auth("X-Key", null, "", ""), 1,
                Duration.ofSeconds(1), List.of("/s"), null, null, null, Map.of(TrackingState.DELIVERED, List.of("D")));
        assertThat(withoutKey.whyNotPolled()).contains("no tracking API key set (auth.secret)");
    }

    @Test
    void joins_status_values_and_prefers_exact_values_to_wildcards() throws Exception {
        assertThat(DELHIVERY.read(delhivery("DL", "Delivered"))).isEqualTo(new TrackingAnswer.Known(
                TrackingState.DELIVERED, "DL:Delivered", "2024-09-24T14:02:11.123", "Mumbai_Andheri_DC (Maharashtra)"));
        assertThat(DELHIVERY.read(delhivery("DL", "RTO"))).extracting("state").isEqualTo(TrackingState.RETURNED);
        assertThat(DELHIVERY.read(delhivery("DL", "Something else"))).extracting("state")
            .isEqualTo(TrackingState.EXCEPTION);
        assertThat(DELHIVERY.read(delhivery("RT", "In Transit"))).extracting("state").isEqualTo(TrackingState.RETURNED);
        assertThat(DELHIVERY.read(delhivery("ud", "dispatched"))).extracting("state")
            .isEqualTo(TrackingState.OUT_FOR_DELIVERY);
    }

    @Test
    void an_answer_without_a_mapped_status_is_unreadable_with_the_reason() throws Exception {
        assertThat(DELHIVERY.read(delhivery("UD", "Teleported"))).isEqualTo(
                new TrackingAnswer.Unreadable("the courier's status \"UD:Teleported\" is not mapped to a tracking state"
                        + " (shipsync.couriers.<name>.states)"));
        assertThat(
                DELHIVERY.read(JSON.readTree("{\"ShipmentData\":[],\"Error\":\"No such waybill or Order Id found\"}")))
            .isEqualTo(new TrackingAnswer.Unreadable("no status at /ShipmentData/0/Shipment/Status/StatusType in the "
                    + "courier's answer: the courier said \"No such waybill or Order Id found\""));
    }

    @Test
    void puts_the_key_in_the_query_when_configured_so() {
        Courier queryKey = new Courier(null, "https://x.example/track?awb={awb}",
                new Auth(null, "token", "", "s3 cret"), 1, Duration.ofSeconds(1), List.of("/s"), null, null, null,
                Map.of(TrackingState.DELIVERED, List.of("D")));

        assertThat(queryKey.apiUrlFor("A B/1")).isEqualTo("https://x.example/track?awb=A+B%2F1&token=s3+cret");
    }

    @Test
    void refuses_a_configuration_it_cannot_use_and_names_the_key() {
        Courier noAwb = new Courier(null, "https://x.example/track", new Auth(null, null, "", ""), 1,
                Duration.ofSeconds(1), List.of("/s"), null, null, null, Map.of(TrackingState.DELIVERED, List.of("D")));
        Courier badPointer = new Courier(null, "https://x.example/{awb}", new Auth(null, null, "", ""), 1,
                Duration.ofSeconds(1), List.of("tracking.state"), null, null, null,
                Map.of(TrackingState.DELIVERED, List.of("D")));

        assertThatThrownBy(() -> new CourierCatalog(Map.of("x", noAwb)))
            .hasMessageContaining("shipsync.couriers.x.api-url must contain {awb}");
        assertThatThrownBy(() -> new CourierCatalog(Map.of("x", badPointer)))
            .hasMessageContaining("\"tracking.state\" is not a JSON Pointer");
    }

    private static JsonNode delhivery(String type, String status) throws Exception {
        return JSON.readTree("""
                {"ShipmentData":[{"Shipment":{"AWB":"1","Status":{"Status":"%s","StatusType":"%s",
                 "StatusDateTime":"2024-09-24T14:02:11.123","StatusLocation":"Mumbai_Andheri_DC (Maharashtra)"}}}]}"""
            .formatted(status, type));
    }

}
