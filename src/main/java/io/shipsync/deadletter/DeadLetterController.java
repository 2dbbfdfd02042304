package io.shipsync.deadletter;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import io.shipsync.admin.ApiProblem;
import io.shipsync.admin.Paging;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The dead letters: see what needs a person, replay it or discard it. */
@RestController
@RequestMapping("/api/dead-letters")
@Tag(name = "Dead letters")
class DeadLetterController {

    /** The most dead letters one bulk replay takes; call again for the rest. */
    static final int LARGEST_REPLAY = 500;

    private final DeadLetterQueries queries;

    private final DeadLetterActions actions;

    DeadLetterController(DeadLetterQueries queries, DeadLetterActions actions) {
        this.queries = queries;
        this.actions = actions;
    }

    @GetMapping
    @Operation(summary = "Lists dead letters, newest first",
            description = "state: open (default), replayed, discarded or all; source: file, webhook or courier;"
                    + " order: an order id; reason: words the reason contains; since/until: ISO-8601 times.")
    Paging<DeadLetterView> list(@RequestParam(required = false) String store,
            @RequestParam(required = false) String source, @RequestParam(required = false) String order,
            @RequestParam(required = false) String reason,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) OffsetDateTime since,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) OffsetDateTime until,
            @RequestParam(required = false) String state, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        return queries.list(new DeadLetterFilter(store, source, order, reason, since, until, state), page, size);
    }

    @GetMapping("/{id}")
    @Operation(summary = "One dead letter with its original row or event, every attempt and the last error")
    DeadLetterView.Detail show(@PathVariable long id) {
        return queries.detail(id).orElseThrow(() -> ApiProblem.notFound("There is no dead letter " + id + "."));
    }

    @PostMapping("/{id}/replay")
    @Operation(summary = "Sends the dead letter's update, event or shipment back to work",
            description = "409 when it is not open (replayed or discarded before) or no longer parked.")
    DeadLetterView replay(@PathVariable long id) {
        return actions.replay(id);
    }

    /**
     * Which dead letters to replay: {@code ids}, or a filter with at least one of store,
     * source, order, reason, since and until (all open dead letters it takes, oldest
     * first).
     */
    record ReplayRequest(List<Long> ids, String store, String source, String order, String reason, OffsetDateTime since,
            OffsetDateTime until) {
    }

    /**
     * @param replayed the dead letters replayed
     * @param skipped the ones that could not be, with why
     * @param more whether the filter takes more open dead letters than one call replays
     */
    record ReplayResult(List<DeadLetterView> replayed, List<Skipped> skipped, boolean more) {
    }

    record Skipped(long id, String why) {
    }

    @PostMapping("/replay")
    @Operation(summary = "Replays many dead letters: a list of ids, or a filter",
            description = "Body: {\"ids\": [1, 2]} or {\"store\": \"default\", \"source\": \"file\", \"reason\":"
                    + " \"...\", \"since\": \"...\", \"until\": \"...\"}. At most " + LARGEST_REPLAY
                    + " a call; \"more\" says when the filter takes more.")
    ReplayResult replayMany(@RequestBody ReplayRequest request) {
        var filter = new DeadLetterFilter(request.store(), request.source(), request.order(), request.reason(),
                request.since(), request.until(), "open");
        boolean byIds = request.ids() != null;
        if (byIds == filter.narrows()) {
            throw ApiProblem.badRequest("Give either ids or a filter (store, source, order, reason, since, until), not "
                    + (byIds ? "both" : "neither"));
        }
        if (byIds && (request.ids().isEmpty() || request.ids().size() > LARGEST_REPLAY)) {
            throw ApiProblem.badRequest("ids must list between 1 and " + LARGEST_REPLAY + " dead letters");
        }
        List<Long> ids = byIds ? request.ids().stream().distinct().toList()
                : queries.openIds(filter, LARGEST_REPLAY + 1);
        boolean more = !byIds && ids.size() > LARGEST_REPLAY;
        var replayed = new ArrayList<DeadLetterView>();
        var skipped = new ArrayList<Skipped>();
        // each in its own transaction: one that cannot be replayed does not hold back the
        // others
        for (long id : more ? ids.subList(0, LARGEST_REPLAY) : ids) {
            try {
                replayed.add(actions.replay(id));
            }
            catch (ApiProblem problem) {
                skipped.add(new Skipped(id, problem.getMessage()));
            }
        }
        return new ReplayResult(replayed, skipped, more);
    }

    record DiscardRequest(String reason) {
    }

    @PostMapping("/{id}/discard")
    @Operation(summary = "Closes the dead letter without sending anything, with a reason (kept and shown)")
    DeadLetterView discard(@PathVariable long id, @RequestBody DiscardRequest request) {
        return actions.discard(id, request.reason());
    }

}
