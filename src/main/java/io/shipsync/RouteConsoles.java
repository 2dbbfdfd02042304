package io.shipsync;

import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;

/**
 * Keeps, of Camel's consoles on {@code /actuator/camel}, the ones an operator of the
 * routes reads: routes and their statistics, exchanges in flight or blocked, the route
 * controller, message history. Camel loads every console on the class path, and some must
 * not be shown even on this machine: {@code bean} lists every bean's properties, the
 * database password among them; {@code system-properties}, {@code jvm} and
 * {@code properties} show the configuration; {@code send} and {@code browse} reach into
 * endpoints.
 */
@Component
class RouteConsoles implements CamelContextConfiguration {

    static final Set<String> SHOWN = Set.of("context", "route", "route-controller", "inflight", "blocked",
            "message-history");

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        // Camel loads its consoles while it starts, after this
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
        DevConsoleRegistry consoles = DevConsoleRegistry.get(camel);
        consoles.stream().filter(console -> !SHOWN.contains(console.getId())).toList().forEach(consoles::unregister);
    }

}
