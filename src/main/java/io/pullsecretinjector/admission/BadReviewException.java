package io.pullsecretinjector.admission;

/** A request body that is not an AdmissionReview the injector can answer; becomes an HTTP 400 with the message. */
public class BadReviewException extends RuntimeException {

    private final String uid;

    public BadReviewException(String uid, String message) {
        super(message, null, false, false);
        this.uid = uid;
    }

    /** The request uid when one could be read, else null. */
    public String uid() {
        return uid;
    }
}
