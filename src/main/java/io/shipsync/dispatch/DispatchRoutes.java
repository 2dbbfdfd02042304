package io.shipsync.dispatch;

import io.shipsync.outbox.Outbox;
import io.shipsync.store.Store;
import io.shipsync.store.Stores;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Makes one {@code status-dispatch} route per store from the template in
 * {@code routes/status-dispatch.camel.yaml}: each store's updates are taken from the
 * outbox by a scheduler thread of its own, so a store waiting for its throttle, its gate
 * or its platform never holds back another store's updates.
 */
@Component
class DispatchRoutes implements CamelContextConfiguration {

    static final String TEMPLATE = "status-dispatch";

    private static final Logger log = LoggerFactory.getLogger(DispatchRoutes.class);

    private final Stores stores;

    private final Outbox outbox;

    DispatchRoutes(Stores stores, Outbox outbox) {
        this.stores = stores;
        this.outbox = outbox;
    }

    @Override
    public void beforeApplicationStart(CamelContext context) {
        // the template is loaded with the routes, after this
    }

    @Override
    public void afterApplicationStart(CamelContext context) {
        for (Store store : stores.all()) {
            TemplatedRouteBuilder.builder(context, TEMPLATE)
                .routeId(TEMPLATE + "-" + store.name())
                .parameter("store", store.name())
                .add();
            log.info("Store {}: status updates to {} at {}, at most {}{}", store.name(), store.platform(),
                    store.baseUrl(), store.statusUpdates(),
                    store.orderReads().map(reads -> "; order reads at most " + reads).orElse(""));
        }
        // a store taken out of the configuration keeps its work: nothing is dropped, and
        // a person should know
        outbox.storesWithWorkLeft()
            .stream()
            .filter(name -> stores.find(name).isEmpty())
            .forEach(name -> log
                .warn("Updates wait for store {}, which is not configured: they stay in the outbox, and are sent once "
                        + "shipsync.stores.{} is configured again", name, name));
    }

}
