package io.shipsync.admin;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import io.shipsync.admin.AdminProperties.Role;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The status page's login: the token typed into the form is kept in an HttpOnly, SameSite
 * cookie, never in a URL (where it would stay in the browser's history and the logs of
 * whatever sits in between).
 */
@RestController
class LoginController {

    /** A working day and a half: a warehouse person logs in once per shift. */
    private static final Duration LOGIN_LASTS = Duration.ofHours(36);

    private final AdminProperties properties;

    LoginController(AdminProperties properties) {
        this.properties = properties;
    }

    @PostMapping(path = "/login", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<Void> login(@RequestParam(defaultValue = "") String token, HttpServletRequest request) {
        if (properties.roleOf(token).isEmpty()) {
            return redirect("/login?failed", null);
        }
        return redirect("/", cookie(token.strip(), LOGIN_LASTS, request));
    }

    @PostMapping("/logout")
    ResponseEntity<Void> logout(HttpServletRequest request) {
        return redirect("/login", cookie("", Duration.ZERO, request));
    }

    @GetMapping("/api/session")
    @Tag(name = "Session")
    @Operation(summary = "What the caller's token may do: admin (read and act) or viewer (read only)")
    Map<String, String> session(@RequestAttribute(AdminTokenFilter.ROLE) Role role) {
        return Map.of("role", role.name().toLowerCase(Locale.ROOT));
    }

    private static ResponseCookie cookie(String value, Duration maxAge, HttpServletRequest request) {
        return ResponseCookie.from(AdminTokenFilter.COOKIE, value)
            .httpOnly(true)
            .secure(request.isSecure())
            .sameSite("Strict")
            .path("/")
            .maxAge(maxAge)
            .build();
    }

    private static ResponseEntity<Void> redirect(String location, ResponseCookie cookie) {
        var answer = ResponseEntity.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, location);
        if (cookie != null) {
            answer.header(HttpHeaders.SET_COOKIE, cookie.toString());
        }
        return answer.build();
    }

}
