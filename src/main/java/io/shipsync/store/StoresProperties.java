package io.shipsync.store;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The stores under {@code shipsync.stores.<name>}, as written; {@link Stores} checks them
 * and fills in the platform's defaults. Every field is optional here so that a missing or
 * wrong one gets a message naming its key.
 */
@ConfigurationProperties("shipsync")
public record StoresProperties(Map<String, StoreSettings> stores) {

    public StoresProperties {
        stores = stores == null ? Map.of() : Map.copyOf(stores);
    }

    /**
     * @param platform {@code tribemade}, {@code tybrite} or {@code cekat}
     * @param baseUrl the platform's API root; the platform's public one when left out
     * @param apiKey TribeMade {@code X-API-Key}; Tybrite secret key and Cekat key, sent
     * as a bearer token
     * @param hmacSecret Tybrite only: signs each request ({@code X-Signature})
     * @param platformStoreId TribeMade only: the store's id in order.created events
     */
    public record StoreSettings(String platform, URI baseUrl, String apiKey, String hmacSecret, String platformStoreId,
            LimitSettings statusUpdates, LimitSettings orderReads) {

        @Override
        public String toString() {
            return "StoreSettings[platform=" + platform + ", baseUrl=" + baseUrl + ", apiKey=****, hmacSecret=****, "
                    + "platformStoreId=" + platformStoreId + "]";
        }
    }

    public record LimitSettings(Integer maxRequests, Duration period) {
    }
}
