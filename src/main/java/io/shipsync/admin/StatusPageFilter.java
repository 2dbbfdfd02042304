package io.shipsync.admin;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Sends a visitor of the status page without a valid login to the login form. The page
 * itself holds no data (it reads the admin API, which checks again); this only spares a
 * person an empty page.
 */
class StatusPageFilter extends OncePerRequestFilter {

    private final AdminProperties properties;

    StatusPageFilter(AdminProperties properties) {
        this.properties = properties;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (AdminTokenFilter.cookie(request).flatMap(properties::roleOf).isEmpty()) {
            response.setStatus(HttpStatus.SEE_OTHER.value());
            response.setHeader("Location", "/login");
            return;
        }
        chain.doFilter(request, response);
    }

}
