package io.shipsync.admin;

import org.springframework.http.HttpStatus;

/**
 * A call the admin API cannot carry out, with the status and the words its answer gives:
 * {@code {"error": "..."}}.
 */
public class ApiProblem extends RuntimeException {

    private final HttpStatus status;

    private ApiProblem(HttpStatus status, String message) {
        super(message);
        this.status = status;
    }

    public static ApiProblem notFound(String message) {
        return new ApiProblem(HttpStatus.NOT_FOUND, message);
    }

    /**
     * The call is understood, but what it asks for no longer fits the state of things.
     */
    public static ApiProblem conflict(String message) {
        return new ApiProblem(HttpStatus.CONFLICT, message);
    }

    public static ApiProblem badRequest(String message) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, message);
    }

    public HttpStatus status() {
        return status;
    }

}
