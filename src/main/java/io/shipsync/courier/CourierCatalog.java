package io.shipsync.courier;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The couriers shipsync knows, by the name the warehouse writes in the {@code courier}
 * column (any case): how to build a shipment's tracking link, and, for couriers with a
 * tracking API, how to ask it where a shipment is and how to read the answer. A courier
 * is added by configuration only.
 *
 * @param couriers {@code shipsync.couriers.<name>.*}
 */
@ConfigurationProperties("shipsync")
public record CourierCatalog(@DefaultValue Map<String, Courier> couriers) {

    /**
     * @param trackingUrlTemplate the customer's tracking link, with {@code {awb}} where
     * the air waybill goes; also how a shipment's courier and AWB are recognised in a
     * tracking link
     * @param apiUrl the tracking API's URL for one shipment, with {@code {awb}}; none:
     * not polled
     * @param auth how the API key is sent
     * @param maxRequests at most this many tracking requests per period (the courier's
     * own limit)
     * @param period that period
     * @param status JSON Pointers to the status in the API's answer; several values are
     * joined with {@code :}, e.g. Delhivery's StatusType and Status give
     * {@code UD:Dispatched}
     * @param statusTime JSON Pointer to the time of that status, kept for the audit trail
     * @param statusLocation JSON Pointer to where it happened, kept likewise
     * @param error JSON Pointer to the courier's error message, shown when no status is
     * found
     * @param states the courier's status values for each tracking state; {@code *} at the
     * end matches any rest, e.g. {@code RT:*}
     */
    public record Courier(String trackingUrlTemplate, String apiUrl, @DefaultValue Auth auth,
            @DefaultValue("60") int maxRequests, @DefaultValue("60s") Duration period,
            @DefaultValue List<String> status, String statusTime, String statusLocation, String error,
            @DefaultValue Map<TrackingState, List<String>> states) {

        public boolean hasApi() {
            return apiUrl != null && !apiUrl.isBlank();
        }

        /**
         * Why shipments of this courier are not polled, to follow "courier x has", or
         * empty when they are.
         */
        public Optional<String> whyNotPolled() {
            if (!hasApi()) {
                return Optional.of("no tracking API configured (api-url)");
            }
            if (auth.isConfigured() && auth.secret().isBlank()) {
                return Optional.of("no tracking API key set (auth.secret)");
            }
            return Optional.empty();
        }

        /**
         * The tracking API URL for one shipment, with the key when it goes in the query.
         */
        public String apiUrlFor(String awb) {
            String url = apiUrl.replace("{awb}", URLEncoder.encode(awb, StandardCharsets.UTF_8));
            if (auth.queryParameter() != null && !auth.queryParameter().isBlank()) {
                url += (url.contains("?") ? "&" : "?")
                        + URLEncoder.encode(auth.queryParameter(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(auth.prefix() + auth.secret(), StandardCharsets.UTF_8);
            }
            return url;
        }

        /**
         * Reads the courier's answer: the tracking state, or why it says nothing shipsync
         * can use.
         */
        public TrackingAnswer read(JsonNode answer) {
            var values = new ArrayList<String>();
            for (String pointer : status) {
                JsonNode value = answer.at(pointer);
                if (value.isMissingNode() || value.isNull() || value.isContainerNode()) {
                    String said = error == null ? "" : answer.at(error).asText("");
                    return new TrackingAnswer.Unreadable("no status at " + pointer + " in the courier's answer"
                            + (said.isBlank() ? "" : ": the courier said \"" + said + "\""));
                }
                values.add(value.asText().trim());
            }
            String raw = String.join(":", values);
            String time = statusTime == null ? null : emptyToNull(answer.at(statusTime).asText(""));
            String location = statusLocation == null ? null : emptyToNull(answer.at(statusLocation).asText(""));
            return stateOf(raw).<TrackingAnswer>map(state -> new TrackingAnswer.Known(state, raw, time, location))
                .orElseGet(() -> new TrackingAnswer.Unreadable("the courier's status \"" + raw + "\" is not mapped"
                        + " to a tracking state (shipsync.couriers.<name>.states)"));
        }

        /**
         * Exact values first, then the ones ending in {@code *}, so "DL:RTO" can differ
         * from "DL:*".
         */
        Optional<TrackingState> stateOf(String raw) {
            for (var entry : states.entrySet()) {
                if (entry.getValue().stream().anyMatch(v -> !v.endsWith("*") && v.trim().equalsIgnoreCase(raw))) {
                    return Optional.of(entry.getKey());
                }
            }
            for (var entry : states.entrySet()) {
                if (entry.getValue()
                    .stream()
                    .anyMatch(v -> v.endsWith("*") && raw.toLowerCase(Locale.ROOT)
                        .startsWith(v.substring(0, v.length() - 1).trim().toLowerCase(Locale.ROOT)))) {
                    return Optional.of(entry.getKey());
                }
            }
            return Optional.empty();
        }

        private static String emptyToNull(String text) {
            return text.isBlank() ? null : text;
        }
    }

    /**
     * How a courier's API key is sent: as a header ({@code header}, e.g.
     * {@code Authorization} with prefix {@code "Token "}) or as a query parameter
     * ({@code query-parameter}); the key itself comes from the environment.
     */
    public record Auth(String header, String queryParameter, @DefaultValue("") String prefix,
            @DefaultValue("") String secret) {

        public boolean isConfigured() {
            return (header != null && !header.isBlank()) || (queryParameter != null && !queryParameter.isBlank());
        }

        public boolean inHeader() {
            return header != null && !header.isBlank();
        }

        @Override
        public String toString() {
            return "Auth[header=" + header + ", queryParameter=" + queryParameter + ", secret="
                    + (secret.isBlank() ? "(none)" : "(set)") + "]";
        }
    }

    /** A shipment's courier and air waybill, as recognised in its tracking link. */
    public record Recognised(String courier, String awb) {
    }

    public CourierCatalog {
        var byLowerCaseName = new TreeMap<String, Courier>();
        couriers.forEach((name, courier) -> byLowerCaseName.put(name.toLowerCase(Locale.ROOT), courier));
        byLowerCaseName.forEach(CourierCatalog::check);
        couriers = Map.copyOf(byLowerCaseName);
    }

    private static void check(String name, Courier courier) {
        String prefix = "shipsync.couriers." + name + ".";
        if (!courier.hasApi()) {
            return;
        }
        if (!courier.apiUrl().contains("{awb}")) {
            throw new IllegalArgumentException(prefix + "api-url must contain {awb}: " + courier.apiUrl());
        }
        if (courier.status().isEmpty() || courier.states().isEmpty()) {
            throw new IllegalArgumentException(prefix + "status and " + prefix + "states are needed to read the "
                    + "answers of " + courier.apiUrl());
        }
        var pointers = new ArrayList<>(courier.status());
        pointers.add(courier.statusTime());
        pointers.add(courier.statusLocation());
        pointers.add(courier.error());
        for (String pointer : pointers) {
            try {
                if (pointer != null) {
                    JsonPointer.compile(pointer);
                }
            }
            catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(prefix + ": \"" + pointer + "\" is not a JSON Pointer such as "
                        + "/ShipmentData/0/Shipment/Status/Status", e);
            }
        }
        if (courier.maxRequests() < 1 || courier.period().isNegative() || courier.period().isZero()) {
            throw new IllegalArgumentException(prefix + "max-requests and period must be positive");
        }
    }

    public Optional<Courier> courier(String name) {
        return Optional.ofNullable(couriers.get(name.trim().toLowerCase(Locale.ROOT)));
    }

    /** The couriers whose tracking API shipsync polls. */
    public Map<String, Courier> polled() {
        var polled = new TreeMap<String, Courier>();
        couriers.forEach((name, courier) -> {
            if (courier.whyNotPolled().isEmpty()) {
                polled.put(name, courier);
            }
        });
        return polled;
    }

    /** The tracking URL for a shipment, when the courier is known and has a template. */
    public Optional<String> trackingUrl(String courier, String awb) {
        Courier known = couriers.get(courier.trim().toLowerCase(Locale.ROOT));
        if (known == null || known.trackingUrlTemplate() == null || known.trackingUrlTemplate().isBlank()) {
            return Optional.empty();
        }
        String encodedAwb = URLEncoder.encode(awb.trim(), StandardCharsets.UTF_8);
        return Optional.of(known.trackingUrlTemplate().replace("{awb}", encodedAwb));
    }

    /**
     * The courier and AWB of a tracking link built from a courier's template (the way
     * shipsync builds them).
     */
    public Optional<Recognised> recognise(String trackingUrl) {
        for (var entry : couriers.entrySet()) {
            String template = entry.getValue().trackingUrlTemplate();
            if (template == null || !template.contains("{awb}")) {
                continue;
            }
            int at = template.indexOf("{awb}");
            Pattern pattern = Pattern.compile(Pattern.quote(template.substring(0, at)) + "([^/?#]+)"
                    + Pattern.quote(template.substring(at + "{awb}".length())), Pattern.CASE_INSENSITIVE);
            Matcher matcher = pattern.matcher(trackingUrl.trim());
            if (matcher.matches()) {
                try {
                    return Optional.of(new Recognised(entry.getKey(),
                            URLDecoder.decode(matcher.group(1), StandardCharsets.UTF_8)));
                }
                catch (IllegalArgumentException malformedEscape) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    public String knownNames() {
        return String.join(", ", couriers.keySet());
    }
}
