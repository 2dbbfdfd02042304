package io.shipsync.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may use the admin API and the status page.
 *
 * @param token the admin token: reads and acts (replay, discard, resume); while it is
 * empty the API and the page refuse everyone. Give it through the environment
 * (SHIPSYNC_ADMIN_TOKEN); it is never logged.
 * @param viewerToken a token that may only read: the status page for the warehouse,
 * without the buttons (SHIPSYNC_ADMIN_VIEWER_TOKEN); none when empty
 */
@ConfigurationProperties("shipsync.admin")
public record AdminProperties(@DefaultValue("") String token, @DefaultValue("") String viewerToken) {

    /** What a token lets its holder do. */
    public enum Role {

        ADMIN, VIEWER;

        public boolean mayAct() {
            return this == ADMIN;
        }

    }

    public boolean hasToken() {
        return !token.isBlank();
    }

    /**
     * The role of a presented token. Compared as digests of equal length, in constant
     * time: the answer's timing tells nothing of the tokens.
     */
    public Optional<Role> roleOf(String presented) {
        if (!hasToken() || presented == null || presented.isBlank()) {
            return Optional.empty();
        }
        byte[] digest = sha256(presented.strip());
        boolean admin = MessageDigest.isEqual(digest, sha256(token));
        boolean viewer = !viewerToken.isBlank() && MessageDigest.isEqual(digest, sha256(viewerToken));
        return admin ? Optional.of(Role.ADMIN) : viewer ? Optional.of(Role.VIEWER) : Optional.empty();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "AdminProperties[token=" + (hasToken() ? "(set)" : "(none)") + ", viewerToken="
                + (viewerToken.isBlank() ? "(none)" : "(set)") + "]";
    }
}
