package io.shipsync.admin;

import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

import io.shipsync.admin.AdminProperties.Role;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets an admin API call through with the admin or viewer token, from
 * {@code Authorization: Bearer <token>} (curl, scripts) or the status page's login
 * cookie, and refuses every call while no admin token is configured. The viewer token may
 * only read. A call the page makes with its cookie that changes something must also carry
 * {@code X-Requested-With: shipsync}, which another site's form or link cannot send: with
 * the SameSite cookie, that keeps a replay from being triggered from elsewhere. One
 * shared token per role is what shipsync needs today; users and OAuth would be Spring
 * Security's job.
 */
class AdminTokenFilter extends OncePerRequestFilter {

    static final String COOKIE = "shipsync_token";

    static final String ROLE = "shipsync.admin.role";

    private static final String BEARER = "Bearer ";

    private final AdminProperties properties;

    private final ObjectMapper json;

    AdminTokenFilter(AdminProperties properties, ObjectMapper json) {
        this.properties = properties;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!properties.hasToken()) {
            refuse(response, HttpStatus.FORBIDDEN,
                    "The admin API is off: set shipsync.admin.token (SHIPSYNC_ADMIN_TOKEN) to use it.");
            return;
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        boolean bearer = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
        Optional<String> cookie = cookie(request);
        if (!bearer && cookie.isEmpty()) {
            refuse(response, HttpStatus.UNAUTHORIZED,
                    "Send the admin token as Authorization: Bearer <shipsync.admin.token>.");
            return;
        }
        Optional<Role> role = properties
            .roleOf(bearer ? authorization.substring(BEARER.length()) : cookie.orElseThrow());
        if (role.isEmpty()) {
            refuse(response, HttpStatus.UNAUTHORIZED, bearer ? "The bearer token is not the admin token."
                    : "The login has expired or the token changed: log in again.");
            return;
        }
        boolean changes = !request.getMethod().equals("GET") && !request.getMethod().equals("HEAD");
        if (changes && !role.get().mayAct()) {
            refuse(response, HttpStatus.FORBIDDEN,
                    "The viewer token may only look: replaying, discarding and resuming need the admin token.");
            return;
        }
        if (changes && !bearer && !"shipsync".equals(request.getHeader("X-Requested-With"))) {
            refuse(response, HttpStatus.FORBIDDEN,
                    "A change made with the login cookie must come from the status page (X-Requested-With).");
            return;
        }
        request.setAttribute(ROLE, role.get());
        chain.doFilter(request, response);
    }

    static Optional<String> cookie(HttpServletRequest request) {
        return Optional.ofNullable(request.getCookies())
            .flatMap(cookies -> Arrays.stream(cookies).filter(each -> each.getName().equals(COOKIE)).findFirst())
            .map(Cookie::getValue)
            .filter(value -> !value.isBlank());
    }

    private void refuse(HttpServletResponse response, HttpStatus status, String error) throws IOException {
        response.setStatus(status.value());
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"shipsync\"");
        }
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), new ApiError(error));
    }

}
