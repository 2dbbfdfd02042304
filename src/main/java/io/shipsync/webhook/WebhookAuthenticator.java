package io.shipsync.webhook;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.shipsync.webhook.WebhookRefusedException.Reason;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Who may post to the webhook. The platform only lets a merchant configure a URL, so the
 * base credential is a shared token, in a header or in the URL's query. Senders that can
 * sign add an HMAC of the timestamp and the exact body (the scheme Tybrite Labs
 * documents). Every configured check must pass; with none configured every request is
 * refused, so an endpoint is never open by accident.
 */
@Component("webhookAuthenticator")
public class WebhookAuthenticator {

    public static final String TOKEN_HEADER = "X-Webhook-Token";

    public static final String TOKEN_PARAMETER = "token";

    public static final String TIMESTAMP_HEADER = "X-Timestamp";

    public static final String SIGNATURE_HEADER = "X-Signature";

    /**
     * How far a signed request's timestamp may be from shipsync's clock: bounds how long
     * a captured request replays.
     */
    static final Duration SIGNATURE_TOLERANCE = Duration.ofMinutes(5);

    private static final Logger log = LoggerFactory.getLogger(WebhookAuthenticator.class);

    private static final String HMAC = "HmacSHA256";

    private final WebhookProperties properties;

    private final Clock clock;

    public WebhookAuthenticator(WebhookProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
        if (!properties.hasToken() && !properties.hasHmacSecret()) {
            log.warn("The order webhook (POST /webhook/orders) refuses every request: no credential is configured. "
                    + "Set shipsync.webhook.token (SHIPSYNC_WEBHOOK_TOKEN) and/or shipsync.webhook.hmac-secret "
                    + "(SHIPSYNC_WEBHOOK_HMAC_SECRET).");
        }
        else if (properties.hasToken() && properties.token().length() < 16) {
            log.warn("shipsync.webhook.token is shorter than 16 characters: easy to guess; use a long random value");
        }
    }

    /** The shared token, before the body is read. */
    public void checkToken(@Header(TOKEN_HEADER) String headerToken, @Header(Exchange.HTTP_QUERY) String query) {
        if (!properties.hasToken() && !properties.hasHmacSecret()) {
            throw refused(Reason.NO_CREDENTIAL, "this endpoint has no credential configured (shipsync.webhook.token or "
                    + "shipsync.webhook.hmac-secret), so it accepts no request");
        }
        if (!properties.hasToken()) {
            return;
        }
        String given = headerToken != null ? headerToken : queryParameter(query, TOKEN_PARAMETER);
        if (given == null || given.isEmpty()) {
            throw refused(Reason.BAD_TOKEN, "token missing: send it as the " + TOKEN_HEADER + " header or the ?"
                    + TOKEN_PARAMETER + "= query parameter");
        }
        if (!constantTimeEquals(given, properties.token())) {
            throw refused(Reason.BAD_TOKEN, "token not accepted");
        }
    }

    /** The signature over the exact bytes received, when a secret is configured. */
    public void checkSignature(@Body byte[] body, @Header(TIMESTAMP_HEADER) String timestamp,
            @Header(SIGNATURE_HEADER) String signature) {
        if (!properties.hasHmacSecret()) {
            return;
        }
        if (timestamp == null || signature == null) {
            throw refused(Reason.BAD_SIGNATURE, "signature required: send " + TIMESTAMP_HEADER + " (unix seconds) and "
                    + SIGNATURE_HEADER + " (base64 HMAC-SHA256 of timestamp + \".\" + body)");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        }
        catch (NumberFormatException e) {
            throw refused(Reason.BAD_SIGNATURE,
                    TIMESTAMP_HEADER + " must be unix seconds, not '" + abbreviate(timestamp) + "'");
        }
        long skew = Math.abs(clock.instant().getEpochSecond() - seconds);
        if (skew > SIGNATURE_TOLERANCE.toSeconds()) {
            throw refused(Reason.BAD_SIGNATURE,
                    TIMESTAMP_HEADER + " is " + skew + " s away from shipsync's clock; at most "
                            + SIGNATURE_TOLERANCE.toSeconds() + " s is accepted (check the sender's clock)");
        }
        byte[] expected = sign(timestamp.trim(), body);
        byte[] given;
        try {
            given = Base64.getDecoder().decode(signature.trim());
        }
        catch (IllegalArgumentException e) {
            throw refused(Reason.BAD_SIGNATURE, SIGNATURE_HEADER + " is not base64");
        }
        if (!MessageDigest.isEqual(expected, given)) {
            throw refused(Reason.BAD_SIGNATURE, "signature does not match the body");
        }
    }

    byte[] sign(String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(properties.hmacSecret().getBytes(StandardCharsets.UTF_8), HMAC));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        }
        catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
        }
    }

    // Comparing digests rather than the strings themselves: equal length, so the time
    // taken says nothing about
    // the token's length or how much of it matched.
    private static boolean constantTimeEquals(String given, String expected) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] a = sha256.digest(given.getBytes(StandardCharsets.UTF_8));
            byte[] b = sha256.digest(expected.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(a, b);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            try {
                if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
                    return equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                }
            }
            catch (IllegalArgumentException badEscape) {
                // a malformed %-escape is no token: the caller then refuses the request
                // as unauthenticated
                return null;
            }
        }
        return null;
    }

    private static String abbreviate(String text) {
        return text.length() <= 20 ? text : text.substring(0, 20) + "…";
    }

    private static WebhookRefusedException refused(Reason reason, String message) {
        return new WebhookRefusedException(reason, message);
    }

}
