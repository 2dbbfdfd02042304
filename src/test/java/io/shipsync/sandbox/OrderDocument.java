package io.shipsync.sandbox;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Renders the GET order body of the TribeMade contract. Customer and product data are
 * invented; each order gets one of a few fixed profiles (picked from its id, so the same
 * order always looks the same). One profile leaves the nullable detail fields null so
 * clients meet both shapes.
 */
final class OrderDocument {

    // The contract's example: "2024-11-16T10:30:00.000000Z", always six fraction digits.
    private static final DateTimeFormatter CREATED_AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
        .withZone(ZoneOffset.UTC);

    private record Profile(UUID productId, String productName, String productImage, String name, String email,
            String number, String line1, String line2, String city, String state, String pincode, String variation,
            String size, String color, int quantity, BigDecimal amount, String specialInstructions) {
    }

    private static final List<Profile> PROFILES = List.of(
            new Profile(UUID.fromString("660e8400-e29b-41d4-a716-446655440123"), "Premium Cotton T-Shirt",
                    "https://cdn.example.com/products/tshirt-main.jpg", "Rahul Sharma", "rahul.sharma@example.com",
                    "9876543210", "123, MG Road", "Apartment 4B", "Mumbai", "Maharashtra", "400001", "Slim Fit", "L",
                    "Navy Blue", 2, new BigDecimal("2048"), "Please gift wrap"),
            new Profile(UUID.fromString("660e8400-e29b-41d4-a716-446655440456"), "Handmade Ceramic Mug",
                    "https://cdn.example.com/products/mug-main.jpg", "Priya Nair", "priya.nair@example.com",
                    "9123456780", "14/2, Marine Drive", "Near Boat Jetty", "Kochi", "Kerala", "682031", null, null,
                    null, 1, new BigDecimal("649.50"), null),
            new Profile(UUID.fromString("660e8400-e29b-41d4-a716-446655440789"), "Block Print Cotton Kurta",
                    "https://cdn.example.com/products/kurta-main.jpg", "Arjun Mehta", "arjun.mehta@example.com",
                    "9988776655", "42, 12th Main, Indiranagar", "2nd Floor", "Bengaluru", "Karnataka", "560038",
                    "Regular Fit", "M", null, 1, new BigDecimal("1299"), "Call before delivery"));

    private OrderDocument() {
    }

    static ObjectNode render(ObjectMapper json, UUID id, Instant createdAt, String status, String trackingUrl) {
        Profile p = PROFILES.get(Math.floorMod(id.hashCode(), PROFILES.size()));
        ObjectNode order = json.createObjectNode();
        order.put("id", id.toString());
        order.put("created_at", CREATED_AT.format(createdAt));
        order.put("product_id", p.productId().toString());
        order.put("product_name", p.productName());
        order.put("product_image", p.productImage());
        order.put("status", status);

        ObjectNode customer = order.putObject("customer");
        customer.put("name", p.name());
        customer.put("email", p.email());
        customer.put("number", p.number());
        ObjectNode address = customer.putObject("full_address");
        address.put("line1", p.line1());
        address.put("line2", p.line2());
        address.put("city", p.city());
        address.put("state", p.state());
        address.put("country", "India");
        customer.put("pincode", p.pincode());

        ObjectNode details = order.putObject("order_details");
        details.put("variation", p.variation());
        details.put("size", p.size());
        details.put("color", p.color());
        details.put("quantity", p.quantity());
        details.put("amount", p.amount());
        details.put("special_instructions", p.specialInstructions());
        details.putArray("custom_questions");

        order.putNull("rating");
        order.putNull("review");
        order.put("tracking_url", trackingUrl);
        return order;
    }

}
