package io.shipsync.tribemade;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The single-store keys: the TribeMade store named {@code default} (see
 * {@link io.shipsync.store.Stores}), and the period of the order-read throttle.
 *
 * @param baseUrl the platform API root
 * @param apiKey sent as {@code X-API-Key}; never logged
 * @param orderReads the rate limit of {@code GET /api/orders/{id}}, used to verify an
 * order's status
 * @param platformStoreId the store's id in the platform's {@code order.created} events;
 * when empty, the store takes the events no other TribeMade store claims
 */
@Validated
@ConfigurationProperties("shipsync.tribemade")
public record TribeMadeProperties(@NotNull @DefaultValue("https://api.tribemade.in") URI baseUrl,
        @DefaultValue("") String apiKey, @Valid @DefaultValue OrderReads orderReads, UUID platformStoreId) {

    public record OrderReads(@Min(1) @DefaultValue("50") int maxRequests, @DefaultValue("60s") Duration period) {
    }

    public boolean hasApiKey() {
        return apiKey != null && !apiKey.isBlank();
    }

    @Override
    public String toString() {
        return "TribeMadeProperties[baseUrl=" + baseUrl + ", apiKey=" + (hasApiKey() ? "(set)" : "(missing)")
                + ", platformStoreId=" + platformStoreId + "]";
    }
}
