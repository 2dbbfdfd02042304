package io.shipsync.shipment;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The couriers shipsync knows, by the name the warehouse writes in the {@code courier} column (any case).
 *
 * @param couriers {@code shipsync.couriers.<name>.*}
 */
@ConfigurationProperties("shipsync")
public record CourierCatalog(@DefaultValue Map<String, Courier> couriers) {

    /**
     * @param trackingUrlTemplate the customer's tracking link, with {@code {awb}} where the air waybill goes
     */
    public record Courier(String trackingUrlTemplate) {
    }

    public CourierCatalog {
        var byLowerCaseName = new TreeMap<String, Courier>();
        couriers.forEach((name, courier) -> byLowerCaseName.put(name.toLowerCase(Locale.ROOT), courier));
        couriers = Map.copyOf(byLowerCaseName);
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

    public String knownNames() {
        return String.join(", ", couriers.keySet());
    }
}
