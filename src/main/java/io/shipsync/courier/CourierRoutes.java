package io.shipsync.courier;

import java.net.URI;
import java.time.Duration;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One {@code courier-tracking} route (a route template in
 * {@code routes/courier-sync.camel.yaml}) per courier with a tracking API, each with its
 * own throttle: the Throttle EIP reads its period once, when the route is built, so
 * couriers with different limits need routes of their own. Couriers come from
 * configuration, so the routes are made from it at start-up.
 */
@Component
class CourierRoutes implements CamelContextConfiguration {

    static final String TEMPLATE = "courier-tracking";

    private static final Logger log = LoggerFactory.getLogger(CourierRoutes.class);

    private final CourierCatalog couriers;

    CourierRoutes(CourierCatalog couriers) {
        this.couriers = couriers;
    }

    /**
     * The throttle's permits are spaced by the period from when they are taken, and the
     * courier counts requests as they arrive: network time varies, so a request exactly
     * one period after another can arrive inside the same window (a test saw 998 ms). A
     * little more than the period keeps every window within the limit.
     */
    static Duration withMargin(Duration period) {
        return period.plus(Duration.ofMillis(Math.max(100, period.toMillis() / 50)));
    }

    @Override
    public void beforeApplicationStart(CamelContext context) {
        // the template is loaded with the routes, after this
    }

    @Override
    public void afterApplicationStart(CamelContext context) {
        couriers.polled().forEach((name, courier) -> {
            URI api = URI.create(courier.apiUrl().replace("{awb}", "awb"));
            TemplatedRouteBuilder.builder(context, TEMPLATE)
                .routeId("track-" + name)
                .parameter("courier", name)
                .parameter("maxRequests", courier.maxRequests())
                .parameter("periodMillis", withMargin(courier.period()).toMillis())
                .parameter("apiRoot", api.getScheme() + "://" + api.getAuthority())
                .add();
            log.info("Courier {}: tracking polled at {}://{}, at most {} requests per {}", name, api.getScheme(),
                    api.getAuthority(), courier.maxRequests(), courier.period());
        });
        couriers.couriers()
            .forEach((name, courier) -> courier.whyNotPolled()
                .ifPresent(why -> log.info("Courier {}: deliveries not followed, it has {}", name, why)));
    }

}
