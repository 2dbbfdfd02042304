package io.shipsync.webhook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.shipsync.webhook.WebhookRefusedException.Reason;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What must be settled before platform-http reads a webhook request, because it reads the
 * whole body before the route runs: only JSON gets through (the HTTP binding would parse
 * a form body itself, fail with a 500 and log the body), and at most one byte more than
 * {@code shipsync.webhook.max-body-size} of the body can be read, so an oversized or
 * endless body costs a few kilobytes and the route sees that it was too large.
 */
class WebhookRequestGuard extends OncePerRequestFilter {

    private final long readable;

    private final WebhookReplies replies;

    private final WebhookOutcomes outcomes;

    WebhookRequestGuard(WebhookProperties properties, WebhookReplies replies, WebhookOutcomes outcomes) {
        this.readable = properties.maxBodySize().toBytes() + 1;
        this.replies = replies;
        this.outcomes = outcomes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String refusal = "POST".equals(request.getMethod()) ? notJson(request.getContentType()) : null;
        if (refusal != null) {
            outcomes.refused(Reason.WRONG_CONTENT_TYPE, refusal);
            response.setStatus(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE);
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.getOutputStream().write(replies.error(refusal).getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(new HttpServletRequestWrapper(request) {
            private ServletInputStream capped;

            @Override
            public ServletInputStream getInputStream() throws IOException {
                if (capped == null) {
                    capped = new CappedInputStream(super.getInputStream(), readable);
                }
                return capped;
            }
        }, response);
    }

    /** Why the content type is refused, or null for JSON in UTF-8. */
    static String notJson(String contentType) {
        if (contentType == null) {
            return "Content-Type is missing: send the event as application/json";
        }
        MediaType type;
        try {
            type = MediaType.parseMediaType(contentType);
        }
        catch (InvalidMediaTypeException e) {
            return "Content-Type \"" + contentType + "\" cannot be read: send application/json";
        }
        if (type.isWildcardType() || type.isWildcardSubtype() || !MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
            return "Content-Type " + contentType + " is not accepted: send the event as application/json";
        }
        if (type.getCharset() != null && !StandardCharsets.UTF_8.equals(type.getCharset())) {
            return "charset " + type.getCharset() + " is not accepted: JSON is sent as UTF-8";
        }
        return null;
    }

    private static final class CappedInputStream extends ServletInputStream {

        private final ServletInputStream in;

        private long left;

        CappedInputStream(ServletInputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public boolean isFinished() {
            return left <= 0 || in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }

    }

}
