package io.shipsync.cluster;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;

/**
 * Hands the cluster service that the configuration enables (a lock file on a shared
 * folder, or the Kubernetes Lease in the kubernetes profile) to Camel, for the
 * {@code master:} routes. Camel Spring Boot 4.17 creates the service as a bean but does
 * not add it to the CamelContext, and {@code master:} looks among the context's services
 * only: without this, every {@code master:} route fails to start with "No cluster service
 * found". Added as a service, it is started and stopped with Camel.
 */
@Component
class ClusterServices implements CamelContextConfiguration {

    private final List<CamelClusterService> services;

    ClusterServices(List<CamelClusterService> services) {
        this.services = services;
    }

    @Override
    public void beforeApplicationStart(CamelContext context) {
        for (CamelClusterService service : services) {
            if (!context.hasServices(CamelClusterService.class).contains(service)) {
                try {
                    context.addService(service);
                }
                catch (Exception ex) {
                    throw new IllegalStateException("Camel did not take the cluster service " + service.getId(), ex);
                }
            }
        }
    }

    @Override
    public void afterApplicationStart(CamelContext context) {
        // nothing to do once started
    }

}
