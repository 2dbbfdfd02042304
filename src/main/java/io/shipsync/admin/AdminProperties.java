package io.shipsync.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The admin API, {@code /api/**} on the service port.
 *
 * @param token the bearer token every call must carry; while it is empty every call is
 * refused. Give it through the environment (SHIPSYNC_ADMIN_TOKEN); it is never logged.
 */
@ConfigurationProperties("shipsync.admin")
public record AdminProperties(@DefaultValue("") String token) {

    public boolean hasToken() {
        return !token.isBlank();
    }

    @Override
    public String toString() {
        return "AdminProperties[token=" + (hasToken() ? "(set)" : "(none)") + "]";
    }
}
