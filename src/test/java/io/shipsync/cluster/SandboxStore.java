package io.shipsync.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.shipsync.sandbox.RecordedRequest;
import io.shipsync.sandbox.TribeMadeSandbox;

/**
 * A TribeMade store on a sandbox of its own, its orders waiting at "started", as the
 * instances of a {@link Cluster} serve it: shipsync's limits are the sandbox's.
 *
 * @param reads order reads allowed per period, on both sides
 */
public record SandboxStore(String name, String apiKey, UUID platformStore, int limit, int reads, Duration period,
        TribeMadeSandbox platform, List<UUID> orders) {

    public static SandboxStore start(String name, String apiKey, UUID platformStore, int limit, int reads,
            Duration period, int orders) throws IOException {
        TribeMadeSandbox platform = TribeMadeSandbox.builder()
            .updateLimit(limit, period)
            .readLimit(reads, period)
            .build()
            .start();
        platform.addStore(apiKey, platformStore);
        var ids = new ArrayList<UUID>();
        for (int i = 0; i < orders; i++) {
            UUID order = UUID.randomUUID();
            platform.addOrder(platformStore, order, "started");
            ids.add(order);
        }
        return new SandboxStore(name, apiKey, platformStore, limit, reads, period, platform, ids);
    }

    /** The {@code shipsync.stores.<name>.*} arguments that configure it. */
    public List<String> arguments() {
        String prefix = "--shipsync.stores." + name + ".";
        String seconds = period.toSeconds() + "s";
        return List.of(prefix + "platform=tribemade", prefix + "base-url=" + platform.baseUrl(),
                prefix + "api-key=" + apiKey, prefix + "platform-store-id=" + platformStore,
                prefix + "status-updates.max-requests=" + limit, prefix + "status-updates.period=" + seconds,
                prefix + "order-reads.max-requests=" + reads, prefix + "order-reads.period=" + seconds);
    }

    /** The status updates (PUT) the sandbox received, refused ones included. */
    public List<RecordedRequest> puts() {
        return platform.requests().stream().filter(r -> r.method().equals("PUT")).toList();
    }

    public boolean allDispatched() {
        return orders.stream().allMatch(order -> platform.order(order).status().equals("dispatched"));
    }

}
