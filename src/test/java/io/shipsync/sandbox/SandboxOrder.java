package io.shipsync.sandbox;

import java.util.UUID;

/**
 * Snapshot of an order held by the sandbox; {@code trackingUrl} is null when none was
 * set.
 */
public record SandboxOrder(UUID id, UUID storeId, String status, String trackingUrl) {
}
