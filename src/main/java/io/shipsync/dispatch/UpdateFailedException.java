package io.shipsync.dispatch;

/**
 * An update that cannot be delivered: the platform refused it, or every attempt failed.
 * The status-dispatch route's dead-letter channel parks it with this message as the
 * reason a person reads.
 */
public class UpdateFailedException extends RuntimeException {

    private final String technicalDetail;

    public UpdateFailedException(String reason, String technicalDetail) {
        super(reason);
        this.technicalDetail = technicalDetail;
    }

    public String technicalDetail() {
        return technicalDetail;
    }

}
