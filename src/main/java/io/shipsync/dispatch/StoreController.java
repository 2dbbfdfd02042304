package io.shipsync.dispatch;

import java.util.List;

import io.shipsync.admin.ApiProblem;
import io.shipsync.store.Store;
import io.shipsync.store.Stores;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The stores shipsync sends to, each with its dispatch state. */
@RestController
@RequestMapping("/api/stores")
@Tag(name = "Stores")
class StoreController {

    private final Stores stores;

    private final StoreStatuses statuses;

    StoreController(Stores stores, StoreStatuses statuses) {
        this.stores = stores;
        this.statuses = statuses;
    }

    @GetMapping
    @Operation(summary = "Lists the stores: running, paused (API key refused), platform-unavailable or rate-limited")
    List<StoreStatus> list() {
        return statuses.all();
    }

    @PostMapping("/{name}/resume")
    @Operation(summary = "Resumes a store paused because its platform refused the API key, once the key is fixed",
            description = "409 when the store is not paused by a refused key.")
    StoreStatus resume(@PathVariable String name) {
        Store store = stores.find(name)
            .orElseThrow(
                    () -> ApiProblem.notFound("There is no store \"" + name + "\"; the stores are " + stores.names()));
        if (!statuses.resume(store)) {
            throw ApiProblem.conflict("Store " + store.name() + " is not paused by a refused API key (it is "
                    + statuses.find(store.name()).orElseThrow().state() + ").");
        }
        return statuses.find(store.name()).orElseThrow();
    }

}
