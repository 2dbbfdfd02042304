package io.shipsync.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The answer a {@link JsonApiSandbox} decided on: a status with a JSON body and extra
 * headers, and the injected {@link Fault} that acts on it when it is written
 * ({@code null} for none). A dropped answer has status 0 and no body.
 */
record JsonReply(int status, JsonNode body, Map<String, String> headers, Fault fault) {

    static JsonReply of(int status, JsonNode body) {
        return new JsonReply(status, body, Map.of(), null);
    }

    static JsonReply ok(JsonNode body) {
        return of(200, body);
    }

    static JsonReply dropped(Fault fault) {
        return new JsonReply(0, null, Map.of(), fault);
    }

    JsonReply withHeaders(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(headers);
        merged.putAll(more);
        return new JsonReply(status, body, merged, fault);
    }

    JsonReply withHeader(String name, String value) {
        return withHeaders(Map.of(name, value));
    }

    JsonReply withFault(Fault fault) {
        return new JsonReply(status, body, headers, fault);
    }

    boolean dropsConnection() {
        return fault != null && fault.dropsConnection();
    }
}
