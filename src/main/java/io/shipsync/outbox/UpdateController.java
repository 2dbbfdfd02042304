package io.shipsync.outbox;

import io.shipsync.admin.ApiProblem;
import io.shipsync.admin.Paging;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The status updates in the outbox, whatever became of them. */
@RestController
@RequestMapping("/api/updates")
@Tag(name = "Status updates")
class UpdateController {

    private final UpdateQueries queries;

    UpdateController(UpdateQueries queries) {
        this.queries = queries;
    }

    @GetMapping
    @Operation(summary = "Lists status updates, newest first",
            description = "state: pending, sending, applied, unchanged, rejected or dead-letter; order: an order id;"
                    + " file: a received file's id.")
    Paging<UpdateView> list(@RequestParam(required = false) String state, @RequestParam(required = false) String store,
            @RequestParam(required = false) String order, @RequestParam(required = false) Long file,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        return queries.list(state, store, order, file, page, size);
    }

    @GetMapping("/{id}")
    @Operation(summary = "One status update with every call made for it and its dead letters")
    UpdateView.Detail show(@PathVariable long id) {
        return queries.detail(id).orElseThrow(() -> ApiProblem.notFound("There is no status update " + id + "."));
    }

}
