package io.shipsync.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every failed admin call answers {@code {"error": "..."}} with the status that fits,
 * never a stack trace: what was wrong with the call, or that shipsync failed (and the log
 * has the rest).
 */
@RestControllerAdvice
class AdminErrors {

    private static final Logger log = LoggerFactory.getLogger(AdminErrors.class);

    @ExceptionHandler
    ResponseEntity<ApiError> problem(ApiProblem problem) {
        return answer(problem.status(), problem.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ApiError> wrongType(MethodArgumentTypeMismatchException e) {
        return answer(HttpStatus.BAD_REQUEST, e.getName() + " \"" + e.getValue() + "\" is not "
                + (e.getRequiredType() == null ? "valid" : "a valid " + e.getRequiredType().getSimpleName()));
    }

    @ExceptionHandler
    ResponseEntity<ApiError> missingParameter(MissingServletRequestParameterException e) {
        return answer(HttpStatus.BAD_REQUEST, e.getParameterName() + " is missing");
    }

    @ExceptionHandler
    ResponseEntity<ApiError> unreadableBody(HttpMessageNotReadableException e) {
        return answer(HttpStatus.BAD_REQUEST, "The body is not the JSON this call takes: "
                + (e.getMostSpecificCause() == null ? e.getMessage() : e.getMostSpecificCause().getMessage()).lines()
                    .findFirst()
                    .orElse(""));
    }

    @ExceptionHandler
    ResponseEntity<ApiError> wrongMethod(HttpRequestMethodNotSupportedException e) {
        return answer(HttpStatus.METHOD_NOT_ALLOWED, e.getMethod() + " is not allowed here");
    }

    @ExceptionHandler
    ResponseEntity<ApiError> wrongMediaType(HttpMediaTypeNotSupportedException e) {
        return answer(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json");
    }

    @ExceptionHandler
    ResponseEntity<ApiError> noSuchPath(NoResourceFoundException e) {
        return answer(HttpStatus.NOT_FOUND, "No such path: /" + e.getResourcePath());
    }

    @ExceptionHandler
    ResponseEntity<ApiError> failed(Exception e) {
        log.error("An admin API call failed", e);
        return answer(HttpStatus.INTERNAL_SERVER_ERROR,
                "shipsync failed to answer (" + e.getClass().getSimpleName() + "); the log has the details");
    }

    private static ResponseEntity<ApiError> answer(HttpStatus status, String error) {
        return ResponseEntity.status(status).body(new ApiError(error));
    }

}
