package io.shipsync.webhook;

/**
 * A webhook request shipsync does not accept: answered with this HTTP status and the
 * message as the JSON error.
 */
public class WebhookRefusedException extends RuntimeException {

    private final int httpStatus;

    public WebhookRefusedException(int httpStatus, String message) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

}
