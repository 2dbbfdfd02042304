package io.shipsync.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets an admin API call through only with {@code Authorization: Bearer
 * <shipsync.admin.token>}, and refuses every call while no token is configured. One
 * shared token, compared in constant time, is what the API needs today; a user store or
 * OAuth would be Spring Security's job.
 */
class AdminTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final byte[] tokenDigest;

    private final ObjectMapper json;

    AdminTokenFilter(AdminProperties properties, ObjectMapper json) {
        this.tokenDigest = properties.hasToken() ? sha256(properties.token()) : null;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (tokenDigest == null) {
            refuse(response, HttpStatus.FORBIDDEN,
                    "The admin API is off: set shipsync.admin.token (SHIPSYNC_ADMIN_TOKEN) to use it.");
            return;
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            refuse(response, HttpStatus.UNAUTHORIZED,
                    "Send the admin token as Authorization: Bearer <shipsync.admin.token>.");
            return;
        }
        // digests of equal length, compared in constant time: the answer's timing tells
        // nothing of the token
        if (!MessageDigest.isEqual(tokenDigest, sha256(authorization.substring(BEARER.length()).trim()))) {
            refuse(response, HttpStatus.UNAUTHORIZED, "The bearer token is not the admin token.");
            return;
        }
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletResponse response, HttpStatus status, String error) throws IOException {
        response.setStatus(status.value());
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"shipsync\"");
        }
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), new ApiError(error));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

}
