package io.shipsync.webhook;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/** Posts to shipsync's webhook over real HTTP, as the platform does. */
public final class WebhookClient {

    public static final UUID PLATFORM_STORE = UUID.fromString("550e8400-e29b-41d4-a716-446655440000");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String url;

    public WebhookClient(int port) {
        this.url = "http://127.0.0.1:" + port + "/webhook/orders";
    }

    /** The reference's example event ("Webhook Payload"), for the given order. */
    public static String orderCreated(UUID order) {
        return """
                {
                  "event": "order.created",
                  "order_id": "%s",
                  "store_id": "%s",
                  "product_id": "660e8400-e29b-41d4-a716-446655440123",
                  "status": "started",
                  "created_at": "2024-11-16T10:30:45.123456",
                  "customer": {
                    "name": "Rahul Sharma",
                    "email": "rahul@example.com",
                    "number": "9876543210",
                    "full_address": "123, MG Road, Apartment 4B, Mumbai, Maharashtra, India",
                    "pincode": "400001"
                  },
                  "order_details": {
                    "quantity": 2,
                    "amount": 2048.00,
                    "variation": "Slim Fit",
                    "size": "L",
                    "color": "Navy Blue",
                    "special_instructions": "Please gift wrap",
                    "custom_questions": []
                  }
                }""".formatted(order, PLATFORM_STORE);
    }

    public HttpResponse<String> post(String body, String... headers) throws IOException, InterruptedException {
        return postWithQuery("", body, headers);
    }

    /**
     * @param query appended to the URL, e.g. {@code ?token=abc}
     */
    public HttpResponse<String> postWithQuery(String query, String body, String... headers)
            throws IOException, InterruptedException {
        return send(request(query, headers).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    /** A body sent chunked, without Content-Length, as a sender that streams would. */
    HttpResponse<String> postChunked(byte[] body, String... headers) throws IOException, InterruptedException {
        return send(request("", headers)
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
    }

    HttpResponse<String> get(String... headers) throws IOException, InterruptedException {
        return send(request("", headers).GET());
    }

    private HttpRequest.Builder request(String query, String... headers) {
        var request = HttpRequest.newBuilder(URI.create(url + query)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return request;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

}
