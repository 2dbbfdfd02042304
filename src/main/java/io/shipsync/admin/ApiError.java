package io.shipsync.admin;

/** Every error the admin API answers: {@code {"error": "..."}}. */
public record ApiError(String error) {
}
