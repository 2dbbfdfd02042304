package io.shipsync.shipment;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.shipsync.dispatch.DispatchDecision;
import io.shipsync.dispatch.DispatchGate;
import io.shipsync.dispatch.DispatchGate.Budget;
import io.shipsync.dispatch.PlatformCircuit;
import io.shipsync.dispatch.StatusDispatcher;
import io.shipsync.dispatch.StatusUpdateProperties;
import io.shipsync.order.KnownOrders;
import io.shipsync.order.KnownOrders.KnownOrder;
import io.shipsync.order.OrderStatus;
import io.shipsync.platform.PlatformAnswer;
import io.shipsync.platform.PlatformRequest;
import io.shipsync.shipment.IngestedFiles.CheckedRow;
import io.shipsync.shipment.WouldBe.OrderNow;
import io.shipsync.store.Store;
import io.shipsync.store.Stores;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The shipment-check route's steps: a dry run of a shipment file ({@code *.check.csv}).
 * Each batch of checked rows is judged against the orders' current state: read from the
 * platform through the store's order-read budget where the platform has an order read,
 * else what shipsync knows. Its rows and would-be outcomes are kept apart from the
 * outbox; no status request is ever made. What a read tells is kept in
 * {@code known_order}, as any read of the dispatch is: it is the platform's word.
 */
@Component("shipmentCheck")
public class ShipmentCheck {

    /**
     * Exchange properties the route reads: the file's picture of its orders, and the
     * order being read.
     */
    public static final String ORDERS = "shipsyncCheckedOrders";

    public static final String LOOKUP = "shipsyncLookup";

    /**
     * How much longer than its period a read waits for the store's order-read gate.
     */
    private static final Duration LONGEST_EXTRA_WAIT = Duration.ofMinutes(1);

    private final KnownOrders knownOrders;

    private final Stores stores;

    private final DispatchGate gate;

    private final PlatformCircuit circuit;

    private final StatusUpdateProperties properties;

    private final IngestedFiles files;

    private final TransactionTemplate transaction;

    private final FileOutcomes outcomes;

    private final Clock clock;

    ShipmentCheck(KnownOrders knownOrders, Stores stores, DispatchGate gate, PlatformCircuit circuit,
            StatusUpdateProperties properties, IngestedFiles files, TransactionTemplate transaction,
            FileOutcomes outcomes, Clock clock) {
        this.knownOrders = knownOrders;
        this.stores = stores;
        this.gate = gate;
        this.circuit = circuit;
        this.properties = properties;
        this.files = files;
        this.transaction = transaction;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    /**
     * A new picture of the orders a file names, carried on the file's exchange while it
     * is checked: a row is judged as the file's earlier rows would leave its order.
     */
    public CheckedOrders orders() {
        return new CheckedOrders();
    }

    /**
     * A batch of checked rows, with the orders to read before they are judged: those of
     * platforms with an order read that neither the file's earlier rows nor a recent
     * answer of the platform tell.
     */
    public CheckBatch plan(@ExchangeProperty(ORDERS) CheckedOrders orders, @Body List<ShipmentRow> rows) {
        Map<String, OrderLookup> reads = new LinkedHashMap<>();
        for (ShipmentRow row : rows) {
            if (row instanceof ShipmentRow.Accepted accepted) {
                Store store = stores.get(accepted.store());
                String key = CheckedOrders.key(accepted.store(), accepted.orderId());
                if (store.platform().readsOrders() && !orders.knows(key) && !reads.containsKey(key)
                        && !DispatchDecision.isCurrent(known(accepted), clock.instant(), properties.rulesFor(store))) {
                    reads.put(key, new OrderLookup(store, accepted.orderId()));
                }
            }
        }
        return new CheckBatch(rows, reads);
    }

    /**
     * The order read to make, when the store's key is not refused, its platform is not
     * down and its order-read gate (the platform's 429s and rate-limit headers) opens
     * within a period and a minute; else none, and the lookup says why.
     */
    public PlatformRequest readRequest(@Body OrderLookup lookup) {
        Store store = lookup.store;
        String platform = store.platform().displayName();
        if (circuit.waitingUntil(store.name()).isPresent()) {
            lookup.notRead = platform + " is down for shipsync (its outage circuit is open)";
            return null;
        }
        Optional<String> keyRefused = gate.authProblem(store.name());
        if (keyRefused.isPresent()) {
            lookup.notRead = keyRefused.get();
            return null;
        }
        // a dry run sends nothing, so it can wait out its window: the platform's reset
        // comes in whole seconds and may fall after the throttle's period; a longer
        // closure (a long Retry-After) is not waited for
        Duration longest = store.orderReads().orElseThrow().period().plus(LONGEST_EXTRA_WAIT);
        if (!gate.awaitOpen(store, Budget.ORDER_READS, longest)) {
            lookup.notRead = "the store's order reads wait until "
                    + gate.closedUntil(store, Budget.ORDER_READS).map(Object::toString).orElse("later");
            return null;
        }
        return PlatformRequest.readWithoutUpdate(store, lookup.orderId);
    }

    /**
     * The platform's answer counts in the store's order-read budget, as the dispatch's
     * reads do, and a status read is remembered.
     */
    public void onRead(@ExchangeProperty(LOOKUP) OrderLookup lookup,
            @ExchangeProperty(StatusDispatcher.ANSWER) PlatformAnswer answer) {
        Store store = lookup.store;
        gate.observe(store, Budget.ORDER_READS, answer);
        PlatformAnswer.Outcome outcome = answer.outcome();
        String platform = store.platform().displayName();
        if (outcome instanceof PlatformAnswer.OrderRead read) {
            circuit.answered(store.name());
            knownOrders.remember(store.name(), lookup.orderId, read.status(), read.trackingUrl(),
                    KnownOrders.Source.PLATFORM);
            lookup.read = new OrderNow.Known(read.status(), "");
        }
        else if (outcome instanceof PlatformAnswer.Refused refused && refused.httpStatus() == 404) {
            lookup.read = new OrderNow.Missing(
                    platform + " does not have this order: " + refused.reason() + " (HTTP 404)");
        }
        else {
            lookup.notRead = outcome.describe(platform);
        }
    }

    /** The read got no answer: it counts in the budget all the same. */
    public void onReadFailed(@ExchangeProperty(LOOKUP) OrderLookup lookup,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        PlatformAnswer answer = PlatformAnswer.ofConnectionFailure(failure, clock.instant());
        gate.answered(lookup.store, Budget.ORDER_READS, answer.answeredAt());
        lookup.notRead = answer.outcome().describe(lookup.store.platform().displayName());
    }

    /**
     * Judges the batch's rows in file order and commits their would-be outcomes with how
     * far the file is checked, in one transaction.
     */
    public void commit(@ExchangeProperty(ShipmentFileIntake.FILE_ID) long fileId,
            @ExchangeProperty(ORDERS) CheckedOrders orders, @Body CheckBatch batch) {
        var checked = new ArrayList<CheckedRow>();
        int rejected = 0;
        for (ShipmentRow row : batch.rows()) {
            if (row instanceof ShipmentRow.Rejected bad) {
                rejected++;
                checked.add(new CheckedRow(bad.line(), null, bad.orderId(), bad.status(), WouldBe.REJECTED,
                        bad.reason(), 0));
            }
            else if (row instanceof ShipmentRow.Accepted good) {
                checked.add(judge(good, orders, batch));
            }
        }
        long lastLine = batch.rows().get(batch.rows().size() - 1).line();
        transaction.executeWithoutResult(tx -> {
            files.addCheckedRows(fileId, checked);
            files.recordLinesCommitted(fileId, lastLine);
        });
        outcomes.rowsChecked(checked.size() - rejected, rejected);
    }

    private CheckedRow judge(ShipmentRow.Accepted row, CheckedOrders orders, CheckBatch batch) {
        Store store = stores.get(row.store());
        String key = CheckedOrders.key(row.store(), row.orderId());
        Optional<Long> first = orders.firstLineOf(key, row.status(), row.line());
        WouldBe.Verdict verdict;
        if (first.isPresent()) {
            // as the real file: the outbox takes the same order and status once per file
            verdict = new WouldBe.Verdict(WouldBe.UNCHANGED,
                    "Same order and status as line " + first.get() + " of this file; would be sent once.", 0);
        }
        else {
            OrderNow now = orders.after(key).orElseGet(() -> fromPlatformOrKnowledge(row, store, batch.reads()));
            verdict = WouldBe.judge(row, now, store.platform(), properties.fillSkippedSteps());
            if (verdict.wouldApply()) {
                orders.wouldLeave(key, new OrderNow.Known(row.status(),
                        "(Judged as line " + row.line() + " of this file would leave the order.)"));
            }
            else if (orders.after(key).isEmpty()) {
                orders.wouldLeave(key, now);
            }
        }
        return new CheckedRow(row.line(), row.store(), row.orderId(), row.status().wireName(), verdict.outcome(),
                verdict.detail(), verdict.sends());
    }

    private OrderNow fromPlatformOrKnowledge(ShipmentRow.Accepted row, Store store, Map<String, OrderLookup> reads) {
        OrderLookup lookup = reads.get(CheckedOrders.key(row.store(), row.orderId()));
        if (lookup != null && lookup.read != null) {
            return lookup.read;
        }
        String platform = store.platform().displayName();
        String basis;
        if (lookup != null) {
            basis = platform + " could not be read (" + (lookup.notRead == null ? "no answer" : lookup.notRead)
                    + "): judged from what shipsync knows";
        }
        else if (store.platform().readsOrders()) {
            // its status was learned recently enough for the dispatch to act on it
            basis = "";
        }
        else {
            basis = platform + " has no order read: judged from what shipsync knows";
        }
        Optional<KnownOrder> known = known(row).filter(order -> order.learnedFrom() != KnownOrders.Source.DOUBTED);
        if (known.isEmpty()) {
            return new OrderNow.Unknown(basis + ", which is nothing of this order yet; " + platform + " decides.");
        }
        return new OrderNow.Known(known.get().status(), basis.isEmpty() ? "" : basis + ".");
    }

    private Optional<KnownOrder> known(ShipmentRow.Accepted row) {
        return knownOrders.find(row.store(), row.orderId());
    }

    /** A batch of checked rows and the orders to read for it, by store and order. */
    public record CheckBatch(List<ShipmentRow> rows, Map<String, OrderLookup> reads) {

        /** The lookups to make, for the route's split. */
        public List<OrderLookup> getLookups() {
            return List.copyOf(reads.values());
        }
    }

    /**
     * One order to read for a dry run; the route's steps fill in what the read told, or
     * why there was none.
     */
    public static final class OrderLookup {

        private final Store store;

        private final String orderId;

        private OrderNow read;

        private String notRead;

        OrderLookup(Store store, String orderId) {
            this.store = store;
            this.orderId = orderId;
        }

        /** The store's name: its key in the order-read throttle. */
        public String getStore() {
            return store.name();
        }

    }

    /**
     * What a dry run can tell of the orders its file names, as its rows so far would
     * leave them, and which order and status each row first asked for.
     */
    public static final class CheckedOrders {

        private final Map<String, OrderNow> after = new HashMap<>();

        private final Map<String, Long> firstLines = new HashMap<>();

        static String key(String store, String orderId) {
            return store + "/" + orderId;
        }

        boolean knows(String key) {
            return after.containsKey(key);
        }

        Optional<OrderNow> after(String key) {
            return Optional.ofNullable(after.get(key));
        }

        void wouldLeave(String key, OrderNow now) {
            after.put(key, now);
        }

        /**
         * The earlier line with the same order and status, if any; else this one is the
         * first.
         */
        Optional<Long> firstLineOf(String key, OrderStatus status, long line) {
            Long first = firstLines.putIfAbsent(key + "/" + status.wireName(), line);
            return Optional.ofNullable(first);
        }

    }

}
