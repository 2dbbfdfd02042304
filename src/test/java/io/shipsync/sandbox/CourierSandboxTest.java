package io.shipsync.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import io.shipsync.sandbox.CourierSandbox.Courier;
import io.shipsync.sandbox.CourierSandbox.DelhiveryStatus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class CourierSandboxTest {

    private static final String TOKEN = "dlv-test-token-0001";

    private static final String KEY = "gen-test-key-0001";

    private static final String AWB = "26805710004060";

    private static final String OTHER_AWB = "26805710004126";

    private static final String GENERIC_AWB = "GX1000001";

    private static final String ANDHERI = "Mumbai_Andheri_DC (Maharashtra)";

    private static final String BHIWANDI = "Mumbai_Bhiwandi_HB (Maharashtra)";

    private static final Instant START = Instant.parse("2024-09-21T12:40:52Z"); // 18:10:52
                                                                                // in
                                                                                // India

    private final ObjectMapper mapper = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final ManualClock clock = new ManualClock(START);

    private CourierSandbox sandbox;

    @AfterEach
    void stopSandbox() {
        if (sandbox != null) {
            sandbox.stop();
        }
    }

    // ------------------------------------------------------------------ Delhivery shape

    @Test
    void delhivery_answers_the_shipment_with_status_and_scans_in_india_local_time() throws Exception {
        start(b -> b);
        sandbox.delhivery(AWB, DelhiveryStatus.MANIFESTED, BHIWANDI, Instant.parse("2024-09-21T09:01:48.752Z"));
        sandbox.delhivery(AWB, DelhiveryStatus.IN_TRANSIT, BHIWANDI, Instant.parse("2024-09-21T12:40:52Z"));
        sandbox.delhivery(AWB, DelhiveryStatus.DELIVERED, ANDHERI, Instant.parse("2024-09-24T08:32:11.123Z"));

        HttpResponse<String> response = delhivery(AWB, TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json(response)).isEqualTo(json("""
                {"ShipmentData":[{"Shipment":{
                  "AWB":"26805710004060","ReferenceNo":"SBX-26805710004060","PickUpDate":"2024-09-21T18:10:52",
                  "Origin":"Mumbai_Bhiwandi_HB (Maharashtra)","Destination":"Mumbai",
                  "Status":{"Status":"Delivered","StatusType":"DL","StatusDateTime":"2024-09-24T14:02:11.123",
                            "StatusLocation":"Mumbai_Andheri_DC (Maharashtra)","StatusCode":"EOD-38",
                            "Instructions":"Delivered to consignee","RecievedBy":""},
                  "Scans":[
                    {"ScanDetail":{"Scan":"Manifested","ScanType":"UD","ScanDateTime":"2024-09-21T14:31:48.752",
                      "StatusDateTime":"2024-09-21T14:31:48.752","ScannedLocation":"Mumbai_Bhiwandi_HB (Maharashtra)",
                      "Instructions":"Manifest uploaded","StatusCode":"X-UCI"}},
                    {"ScanDetail":{"Scan":"In Transit","ScanType":"UD","ScanDateTime":"2024-09-21T18:10:52",
                      "StatusDateTime":"2024-09-21T18:10:52","ScannedLocation":"Mumbai_Bhiwandi_HB (Maharashtra)",
                      "Instructions":"Shipment picked up","StatusCode":"X-PPOM"}},
                    {"ScanDetail":{"Scan":"Delivered","ScanType":"DL","ScanDateTime":"2024-09-24T14:02:11.123",
                      "StatusDateTime":"2024-09-24T14:02:11.123","ScannedLocation":"Mumbai_Andheri_DC (Maharashtra)",
                      "Instructions":"Delivered to consignee","StatusCode":"EOD-38"}}]}}]}
                """));
    }

    @Test
    void delhivery_times_drop_trailing_zeros_and_default_to_the_sandbox_clock() throws Exception {
        start(b -> b);
        clock.set(Instant.parse("2024-09-21T12:50:25.570Z"));
        sandbox.delhivery(AWB, DelhiveryStatus.MANIFESTED, BHIWANDI);

        JsonNode status = json(delhivery(AWB, TOKEN)).at("/ShipmentData/0/Shipment/Status");

        assertThat(status.get("StatusDateTime").asText()).isEqualTo("2024-09-21T18:20:25.57");
        assertThat(json(delhivery(AWB, TOKEN)).at("/ShipmentData/0/Shipment/PickUpDate").isNull())
            .as("not picked up while only manifested")
            .isTrue();
    }

    @Test
    void dispatched_is_out_for_delivery_with_status_type_ud_not_delivered() throws Exception {
        start(b -> b);
        sandbox.delhivery(AWB, DelhiveryStatus.IN_TRANSIT, BHIWANDI);
        sandbox.delhivery(AWB, DelhiveryStatus.DISPATCHED, ANDHERI);

        JsonNode status = json(delhivery(AWB, TOKEN)).at("/ShipmentData/0/Shipment/Status");

        assertThat(status.get("Status").asText()).isEqualTo("Dispatched");
        assertThat(status.get("StatusType").asText()).isEqualTo("UD");
        assertThat(status.get("Instructions").asText()).isEqualTo("Out for delivery");
        assertThat(status.get("StatusCode").asText()).isEqualTo("X-DDD3FD");
    }

    @Test
    void scans_accumulate_in_order_through_a_return_to_origin() throws Exception {
        start(b -> b);
        List<DelhiveryStatus> lifecycle = List.of(DelhiveryStatus.MANIFESTED, DelhiveryStatus.IN_TRANSIT,
                DelhiveryStatus.PENDING, DelhiveryStatus.DISPATCHED, DelhiveryStatus.PENDING,
                DelhiveryStatus.RTO_IN_TRANSIT, DelhiveryStatus.RTO_PENDING, DelhiveryStatus.RTO_DISPATCHED,
                DelhiveryStatus.RETURNED_TO_ORIGIN);
        for (DelhiveryStatus status : lifecycle) {
            clock.advance(Duration.ofHours(3));
            sandbox.delhivery(AWB, status, ANDHERI);
        }

        JsonNode shipment = json(delhivery(AWB, TOKEN)).at("/ShipmentData/0/Shipment");

        assertThat(shipment.get("Scans"))
            .extracting(s -> s.at("/ScanDetail/Scan").asText(), s -> s.at("/ScanDetail/ScanType").asText())
            .containsExactly(tuple("Manifested", "UD"), tuple("In Transit", "UD"), tuple("Pending", "UD"),
                    tuple("Dispatched", "UD"), tuple("Pending", "UD"), tuple("In Transit", "RT"),
                    tuple("Pending", "RT"), tuple("Dispatched", "RT"), tuple("RTO", "DL"));
        assertThat(shipment.get("Scans")).extracting(s -> s.at("/ScanDetail/ScanDateTime").asText())
            .isSorted()
            .doesNotHaveDuplicates();
        // RTO completes with StatusType DL: DL alone does not mean the customer got the
        // parcel.
        assertThat(shipment.at("/Status/Status").asText()).isEqualTo("RTO");
        assertThat(shipment.at("/Status/StatusType").asText()).isEqualTo("DL");
        assertThat(sandbox.requestsFor(AWB)).hasSize(1);
    }

    @Test
    void any_status_pair_passes_through_as_given() throws Exception {
        start(b -> b);
        sandbox.delhivery(AWB, DelhiveryStatus.RTO_IN_TRANSIT, ANDHERI);
        sandbox.delhivery(AWB, DelhiveryStatus.of("Returned", "RT"), BHIWANDI);

        JsonNode status = json(delhivery(AWB, TOKEN)).at("/ShipmentData/0/Shipment/Status");

        assertThat(status.get("Status").asText()).isEqualTo("Returned");
        assertThat(status.get("StatusType").asText()).isEqualTo("RT");
        assertThat(status.get("StatusLocation").asText()).isEqualTo(BHIWANDI);
    }

    @Test
    void a_scan_cannot_go_back_in_time() throws Exception {
        start(b -> b);
        sandbox.delhivery(AWB, DelhiveryStatus.IN_TRANSIT, BHIWANDI, START);

        assertThatThrownBy(() -> sandbox.delhivery(AWB, DelhiveryStatus.DELIVERED, ANDHERI, START.minusMillis(1)))
            .isInstanceOf(IllegalArgumentException.class);
        sandbox.delhivery(AWB, DelhiveryStatus.PENDING, ANDHERI, START); // the same
                                                                         // instant is
                                                                         // fine

        assertThat(json(delhivery(AWB, TOKEN)).at("/ShipmentData/0/Shipment/Scans"))
            .extracting(s -> s.at("/ScanDetail/Scan").asText())
            .containsExactly("In Transit", "Pending");
    }

    @Test
    void delhivery_answers_200_with_an_error_for_an_unknown_or_missing_waybill() throws Exception {
        start(b -> b);
        sandbox.generic(GENERIC_AWB, "IN_TRANSIT", "Pune Hub");
        JsonNode noSuchWaybill = json("{\"ShipmentData\":[],\"Error\":\"No such waybill or Order Id found\"}");

        for (String path : List.of("/api/v1/packages/json/?waybill=" + OTHER_AWB,
                "/api/v1/packages/json/?waybill=" + GENERIC_AWB, "/api/v1/packages/json/",
                "/api/v1/packages/json/?waybill=")) {
            HttpResponse<String> response = send(path, Map.of("Authorization", "Token " + TOKEN));
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(json(response)).as(path).isEqualTo(noSuchWaybill);
        }
    }

    @Test
    void delhivery_accepts_the_token_as_query_parameter_and_does_not_record_it() throws Exception {
        start(b -> b);
        sandbox.delhivery(AWB, DelhiveryStatus.PENDING, ANDHERI);

        HttpResponse<String> response = send("/api/v1/packages/json/?waybill=" + AWB + "&token=" + TOKEN, Map.of());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).at("/ShipmentData/0/Shipment/AWB").asText()).isEqualTo(AWB);
        assertThat(sandbox.requests()).singleElement()
            .satisfies(r -> assertThat(r.query()).isEqualTo("waybill=" + AWB + "&token=<redacted>"));
    }

    @Test
    void delhivery_rejects_missing_and_wrong_tokens_as_django_rest_framework_does() throws Exception {
        start(b -> b);
        sandbox.delhivery(AWB, DelhiveryStatus.PENDING, ANDHERI);
        String path = "/api/v1/packages/json/?waybill=" + AWB;
        String notProvided = "Authentication credentials were not provided.";

        assertDelhivery401(send(path, Map.of()), notProvided);
        assertDelhivery401(send(path, Map.of("Authorization", "Bearer " + TOKEN)), notProvided);
        assertDelhivery401(send(path, Map.of("Authorization", "Token wrong")), "Invalid token.");
        assertDelhivery401(send(path, Map.of("Authorization", "Token")), "Invalid token.");
        assertDelhivery401(send(path + "&token=wrong", Map.of()), "Invalid token.");
        // The header decides on its own: a right query token does not rescue a wrong
        // header.
        assertDelhivery401(send(path + "&token=" + TOKEN, Map.of("Authorization", "Token wrong")), "Invalid token.");
        assertDelhivery401(send(path, Map.of("X-Courier-Key", KEY)), notProvided);

        assertThat(send(path, Map.of("Authorization", "token " + TOKEN)).statusCode()).as("keyword case")
            .isEqualTo(200);
    }

    // ------------------------------------------------------------------ generic shape

    @Test
    void generic_answers_the_latest_state_with_utc_time_to_the_second() throws Exception {
        start(b -> b);
        sandbox.generic(GENERIC_AWB, "IN_TRANSIT", "Pune Hub", Instant.parse("2024-09-24T08:32:11.987Z"));

        HttpResponse<String> response = generic(GENERIC_AWB, KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json(response)).isEqualTo(json("""
                {"awb":"GX1000001",
                 "tracking":{"state":"IN_TRANSIT","updated_at":"2024-09-24T08:32:11Z","location":"Pune Hub"}}
                """));

        clock.set(Instant.parse("2024-09-25T05:00:00Z"));
        sandbox.generic(GENERIC_AWB, "OUT_FOR_DELIVERY", "Mumbai Andheri");
        sandbox.generic(GENERIC_AWB, "DELIVERED", "Mumbai Andheri");
        assertThat(json(generic(GENERIC_AWB, KEY)).get("tracking")).isEqualTo(json(
                "{\"state\":\"DELIVERED\",\"updated_at\":\"2024-09-25T05:00:00Z\",\"location\":\"Mumbai Andheri\"}"));
    }

    @Test
    void generic_answers_404_for_an_unknown_awb() throws Exception {
        start(b -> b);
        sandbox.delhivery(AWB, DelhiveryStatus.DELIVERED, ANDHERI);

        for (String awb : List.of("GX404", AWB)) {
            HttpResponse<String> response = generic(awb, KEY);
            assertThat(response.statusCode()).as(awb).isEqualTo(404);
            assertThat(json(response)).as(awb).isEqualTo(json("{\"error\":\"awb not found\"}"));
        }
    }

    @Test
    void generic_rejects_a_missing_or_wrong_key() throws Exception {
        start(b -> b);
        sandbox.generic(GENERIC_AWB, "IN_TRANSIT", "Pune Hub");

        for (Map<String, String> headers : List.of(Map.<String, String>of(), Map.of("X-Courier-Key", "wrong"),
                Map.of("Authorization", "Token " + TOKEN), Map.of("X-Courier-Key", TOKEN))) {
            HttpResponse<String> response = send("/generic/v2/track/" + GENERIC_AWB, headers);
            assertThat(response.statusCode()).as(headers.toString()).isEqualTo(401);
            assertThat(json(response)).isEqualTo(json("{\"error\":\"invalid key\"}"));
        }
    }

    // ------------------------------------------------------------------ routing

    @Test
    void answers_404_for_other_paths_and_405_for_other_methods() throws Exception {
        start(b -> b);

        for (String path : List.of("/", "/api/v1/packages/json?waybill=" + AWB, "/generic/v2/track/",
                "/generic/v1/track/X")) {
            HttpResponse<String> response = send(path, Map.of("Authorization", "Token " + TOKEN, "X-Courier-Key", KEY));
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(json(response)).isEqualTo(json("{\"error\":\"not found\"}"));
        }
        HttpResponse<String> post = http
            .send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/generic/v2/track/X"))
                .header("X-Courier-Key", KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");
        assertThat(sandbox.requests()).extracting(CourierRequest::courier)
            .containsExactly(null, null, null, null, Courier.GENERIC);
    }

    // ------------------------------------------------------------------ faults

    @Test
    void server_error_answers_503_with_a_gateway_page_for_the_next_requests_of_that_awb_only() throws Exception {
        start(b -> b);
        sandbox.delhivery(AWB, DelhiveryStatus.PENDING, ANDHERI);
        sandbox.delhivery(OTHER_AWB, DelhiveryStatus.PENDING, ANDHERI);
        sandbox.fail(AWB, CourierFault.serverError(), 2);

        HttpResponse<String> first = delhivery(AWB, TOKEN);
        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("text/html");
        assertThat(first.body()).contains("503 Service Temporarily Unavailable");
        assertThat(delhivery(OTHER_AWB, TOKEN).statusCode()).isEqualTo(200);
        assertThat(delhivery(AWB, TOKEN).statusCode()).isEqualTo(503);
        assertThat(delhivery(AWB, TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void malformed_answers_200_with_half_of_the_json_that_was_due() throws Exception {
        start(b -> b);
        sandbox.delhivery(AWB, DelhiveryStatus.DELIVERED, ANDHERI);
        sandbox.generic(GENERIC_AWB, "DELIVERED", "Pune Hub");
        String whole = delhivery(AWB, TOKEN).body();
        sandbox.fail(AWB, CourierFault.malformed(), 1);
        sandbox.fail(GENERIC_AWB, CourierFault.malformed(), 1);

        HttpResponse<String> brokenDelhivery = delhivery(AWB, TOKEN);
        HttpResponse<String> brokenGeneric = generic(GENERIC_AWB, KEY);

        for (HttpResponse<String> broken : List.of(brokenDelhivery, brokenGeneric)) {
            assertThat(broken.statusCode()).isEqualTo(200);
            assertThat(broken.headers().firstValue("Content-Type")).hasValue("application/json");
            assertNotJson(broken);
        }
        assertThat(brokenDelhivery.body()).isEqualTo(whole.substring(0, whole.length() / 2));
        assertThat(delhivery(AWB, TOKEN).body()).as("one fault, one broken answer").isEqualTo(whole);
    }

    @Test
    void delay_trips_a_client_timeout_and_otherwise_answers_normally_late() throws Exception {
        start(b -> b);
        sandbox.generic(GENERIC_AWB, "IN_TRANSIT", "Pune Hub");
        sandbox.fail(GENERIC_AWB, CourierFault.delay(Duration.ofSeconds(5)), 1);
        sandbox.fail(GENERIC_AWB, CourierFault.delay(Duration.ofMillis(300)), 1);

        HttpRequest impatient = HttpRequest
            .newBuilder(URI.create(sandbox.baseUrl() + "/generic/v2/track/" + GENERIC_AWB))
            .header("X-Courier-Key", KEY)
            .timeout(Duration.ofMillis(300))
            .GET()
            .build();
        assertThatThrownBy(() -> http.send(impatient, HttpResponse.BodyHandlers.ofString()))
            .isInstanceOf(HttpTimeoutException.class);

        long startNanos = System.nanoTime();
        HttpResponse<String> late = generic(GENERIC_AWB, KEY);
        assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(late.statusCode()).isEqualTo(200);
        assertThat(json(late).at("/tracking/state").asText()).isEqualTo("IN_TRANSIT");
    }

    @Test
    void fail_all_hits_any_awb_after_awb_faults_and_only_authenticated_requests_use_faults() throws Exception {
        start(b -> b);
        sandbox.delhivery(AWB, DelhiveryStatus.PENDING, ANDHERI);
        sandbox.failAll(CourierFault.serverError(), 2);
        sandbox.fail(AWB, CourierFault.malformed(), 1);

        assertThat(delhivery(AWB, "wrong").statusCode()).isEqualTo(401);
        assertThat(generic("GX404", "wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> own = delhivery(AWB, TOKEN);
        assertThat(own.statusCode()).isEqualTo(200);
        assertNotJson(own);
        assertThat(delhivery(OTHER_AWB, TOKEN).statusCode()).as("unknown AWB too").isEqualTo(503);
        assertThat(generic("GX404", KEY).statusCode()).isEqualTo(503);
        assertThat(generic("GX404", KEY).statusCode()).isEqualTo(404);
    }

    @Test
    void clear_faults_drops_pending_faults() throws Exception {
        start(b -> b);
        sandbox.generic(GENERIC_AWB, "IN_TRANSIT", "Pune Hub");
        sandbox.fail(GENERIC_AWB, CourierFault.serverError(), 3);
        sandbox.failAll(CourierFault.serverError(), 3);

        sandbox.clearFaults();

        assertThat(generic(GENERIC_AWB, KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void fault_arguments_are_checked() {
        start(b -> b);

        assertThatThrownBy(() -> sandbox.fail(AWB, CourierFault.serverError(), 0))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CourierFault(CourierFault.Kind.DELAY, null))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CourierFault(CourierFault.Kind.MALFORMED, Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CourierFault.delay(Duration.ofMillis(-1)))
            .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ rate limits

    @Test
    void rate_limit_answers_429_per_courier_and_frees_the_slot_after_the_period() throws Exception {
        start(b -> b.rateLimit(Courier.DELHIVERY, 2, Duration.ofSeconds(10)));
        sandbox.delhivery(AWB, DelhiveryStatus.PENDING, ANDHERI);
        sandbox.generic(GENERIC_AWB, "IN_TRANSIT", "Pune Hub");

        assertThat(delhivery(AWB, TOKEN).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(4));
        assertThat(delhivery(OTHER_AWB, TOKEN).statusCode()).as("budget is per courier, not per AWB").isEqualTo(200);
        assertThat(delhivery(AWB, "wrong").statusCode()).as("401 before the limiter").isEqualTo(401);
        clock.advance(Duration.ofMillis(5500)); // 9.5 s after the first

        HttpResponse<String> throttled = delhivery(AWB, TOKEN);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(json(throttled))
            .isEqualTo(json("{\"detail\":\"Request was throttled. Expected available in 1 second.\"}"));
        for (int i = 0; i < 5; i++) {
            assertThat(generic(GENERIC_AWB, KEY).statusCode()).as("generic has no limit").isEqualTo(200);
        }

        clock.advance(Duration.ofMillis(500)); // exactly 10 s after the first: its slot
                                               // is free, the 429 took none
        assertThat(delhivery(AWB, TOKEN).statusCode()).isEqualTo(200);
        assertThat(delhivery(AWB, TOKEN).statusCode()).isEqualTo(429);
        assertThat(sandbox.requests()).filteredOn(CourierRequest::throttled)
            .extracting(CourierRequest::courier, CourierRequest::awb)
            .containsExactly(tuple(Courier.DELHIVERY, AWB), tuple(Courier.DELHIVERY, AWB));
    }

    @Test
    void generic_rate_limit_answers_429_with_its_own_body() throws Exception {
        start(b -> b.rateLimit(Courier.GENERIC, 1, Duration.ofMinutes(1)));
        sandbox.generic(GENERIC_AWB, "IN_TRANSIT", "Pune Hub");

        assertThat(generic(GENERIC_AWB, KEY).statusCode()).isEqualTo(200);
        HttpResponse<String> throttled = generic(GENERIC_AWB, KEY);

        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).hasValue("60");
        assertThat(json(throttled)).isEqualTo(json("{\"error\":\"rate limit exceeded\"}"));
    }

    @Test
    void concurrent_requests_never_exceed_the_limit() {
        start(b -> b.rateLimit(Courier.DELHIVERY, 10, Duration.ofMinutes(1)));
        sandbox.delhivery(AWB, DelhiveryStatus.PENDING, ANDHERI);

        List<Integer> statuses = IntStream.range(0, 30)
            .mapToObj(i -> http.sendAsync(
                    request("/api/v1/packages/json/?waybill=" + AWB, Map.of("Authorization", "Token " + TOKEN)),
                    HttpResponse.BodyHandlers.ofString()))
            .toList()
            .stream()
            .map(f -> f.join().statusCode())
            .toList();

        assertThat(statuses).filteredOn(s -> s == 200).hasSize(10);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(20);
        assertThat(sandbox.requests()).filteredOn(CourierRequest::throttled).hasSize(20);
    }

    // ------------------------------------------------------------------ concurrency and
    // request log

    @Test
    void concurrent_polls_of_both_shapes_all_get_their_own_shipment() throws Exception {
        start(b -> b);
        List<String> awbs = IntStream.range(0, 8).mapToObj(i -> "AWB" + i).toList();
        for (String awb : awbs) {
            sandbox.delhivery(awb, DelhiveryStatus.DISPATCHED, ANDHERI);
            sandbox.generic(awb, "STATE_" + awb, "Hub " + awb);
        }

        List<CompletableFuture<HttpResponse<String>>> inFlight = IntStream.range(0, 48).mapToObj(i -> {
            String awb = awbs.get(i / 2 % awbs.size());
            return i % 2 == 0
                    ? http.sendAsync(
                            request("/api/v1/packages/json/?waybill=" + awb, Map.of("Authorization", "Token " + TOKEN)),
                            HttpResponse.BodyHandlers.ofString())
                    : http.sendAsync(request("/generic/v2/track/" + awb, Map.of("X-Courier-Key", KEY)),
                            HttpResponse.BodyHandlers.ofString());
        }).toList();
        // Meanwhile the test moves every shipment on: each poll sees either the old or
        // the new state, never a mix.
        for (String awb : awbs) {
            sandbox.delhivery(awb, DelhiveryStatus.DELIVERED, ANDHERI);
        }

        for (int i = 0; i < inFlight.size(); i++) {
            String awb = awbs.get(i / 2 % awbs.size());
            HttpResponse<String> response = inFlight.get(i).join();
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = json(response);
            if (i % 2 == 0) {
                JsonNode shipment = body.at("/ShipmentData/0/Shipment");
                assertThat(shipment.get("AWB").asText()).isEqualTo(awb);
                assertThat(shipment.at("/Status/Status").asText()).isIn("Dispatched", "Delivered");
                assertThat(shipment.at("/Status/Status").asText()).isEqualTo(
                        shipment.get("Scans").get(shipment.get("Scans").size() - 1).at("/ScanDetail/Scan").asText());
            }
            else {
                assertThat(body.get("awb").asText()).isEqualTo(awb);
                assertThat(body.at("/tracking/state").asText()).isEqualTo("STATE_" + awb);
            }
        }
        assertThat(sandbox.requests()).hasSize(48).noneMatch(CourierRequest::throttled);
        assertThat(awbs).allSatisfy(awb -> assertThat(sandbox.requestsFor(awb)).hasSize(6));
    }

    @Test
    void request_log_records_arrival_courier_method_path_query_awb_and_status_in_order() throws Exception {
        start(b -> b);
        sandbox.delhivery(AWB, DelhiveryStatus.PENDING, ANDHERI);
        sandbox.fail(AWB, CourierFault.serverError(), 1);

        delhivery(AWB, TOKEN);
        clock.advance(Duration.ofSeconds(1));
        delhivery(AWB, TOKEN);
        clock.advance(Duration.ofSeconds(1));
        generic(GENERIC_AWB, null);

        List<CourierRequest> log = sandbox.requests();
        assertThat(log).containsExactly(
                new CourierRequest(START, Courier.DELHIVERY, "GET", "/api/v1/packages/json/", "waybill=" + AWB, AWB,
                        503),
                new CourierRequest(START.plusSeconds(1), Courier.DELHIVERY, "GET", "/api/v1/packages/json/",
                        "waybill=" + AWB, AWB, 200),
                new CourierRequest(START.plusSeconds(2), Courier.GENERIC, "GET", "/generic/v2/track/" + GENERIC_AWB,
                        null, GENERIC_AWB, 401));
        assertThat(sandbox.requestsFor(AWB)).hasSize(2);
        assertThat(sandbox.requestsFor(GENERIC_AWB)).hasSize(1);
        assertThatThrownBy(() -> log.add(null)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void reset_forgets_shipments_faults_requests_and_used_budget() throws Exception {
        start(b -> b.rateLimit(Courier.GENERIC, 1, Duration.ofMinutes(1)));
        sandbox.delhivery(AWB, DelhiveryStatus.PENDING, ANDHERI);
        sandbox.generic(GENERIC_AWB, "IN_TRANSIT", "Pune Hub");
        assertThat(generic(GENERIC_AWB, KEY).statusCode()).isEqualTo(200);
        sandbox.failAll(CourierFault.serverError(), 5);

        sandbox.reset();

        assertThat(sandbox.requests()).isEmpty();
        assertThat(generic(GENERIC_AWB, KEY).statusCode()).as("budget and faults gone").isEqualTo(404);
        assertThat(json(delhivery(AWB, TOKEN)).get("ShipmentData")).isEmpty();
    }

    // ------------------------------------------------------------------ lifecycle

    @Test
    void builder_requires_credentials_and_a_sandbox_starts_once() throws Exception {
        assertThatThrownBy(() -> CourierSandbox.builder().genericKey(KEY).build())
            .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> CourierSandbox.builder().delhiveryToken(" "))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CourierSandbox.builder()
            .delhiveryToken(TOKEN)
            .genericKey(KEY)
            .rateLimit(Courier.GENERIC, 0, Duration.ofSeconds(1))
            .build()).isInstanceOf(IllegalArgumentException.class);

        start(b -> b);

        assertThat(sandbox.baseUrl()).isEqualTo("http://127.0.0.1:" + sandbox.port());
        assertThatThrownBy(() -> sandbox.start()).isInstanceOf(IllegalStateException.class);
    }

    // ------------------------------------------------------------------ helpers

    private void start(UnaryOperator<CourierSandbox.Builder> customizer) {
        sandbox = customizer.apply(CourierSandbox.builder().delhiveryToken(TOKEN).genericKey(KEY).clock(clock)).build();
        try {
            sandbox.start();
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> delhivery(String awb, String token) throws IOException, InterruptedException {
        return send("/api/v1/packages/json/?waybill=" + awb, Map.of("Authorization", "Token " + token));
    }

    private HttpResponse<String> generic(String awb, String key) throws IOException, InterruptedException {
        return send("/generic/v2/track/" + awb, key == null ? Map.of() : Map.of("X-Courier-Key", key));
    }

    private HttpResponse<String> send(String pathAndQuery, Map<String, String> headers)
            throws IOException, InterruptedException {
        return http.send(request(pathAndQuery, headers), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String pathAndQuery, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .GET();
        headers.forEach(builder::header);
        return builder.build();
    }

    private JsonNode json(HttpResponse<String> response) throws IOException {
        return mapper.readTree(response.body());
    }

    private JsonNode json(String text) throws IOException {
        return mapper.readTree(text);
    }

    private void assertNotJson(HttpResponse<String> response) {
        assertThatThrownBy(() -> mapper.readTree(response.body())).as(response.body())
            .isInstanceOf(JsonProcessingException.class);
    }

    private void assertDelhivery401(HttpResponse<String> response, String detail) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Token");
        assertThat(json(response)).isEqualTo(mapper.createObjectNode().put("detail", detail));
    }

}
