package io.shipsync.sandbox;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Profile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.stream.Collectors;

/**
 * Runs the TribeMade sandbox and a courier sandbox inside the app under the {@code sandbox} profile, so the service
 * can be demonstrated end to end without TribeMade or courier credentials.
 */
@Configuration(proxyBeanMethods = false)
@Profile("sandbox")
@EnableConfigurationProperties(SandboxProperties.class)
public class SandboxConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SandboxConfiguration.class);

    /**
     * Started while the bean is created, not in a lifecycle callback: singletons are all created before Camel starts
     * its routes, so the sandbox is listening before the first call to it. Not lazy for the same reason.
     */
    @Bean(destroyMethod = "stop")
    @Lazy(false)
    TribeMadeSandbox tribeMadeSandbox(SandboxProperties properties) {
        TribeMadeSandbox sandbox = TribeMadeSandbox.builder().port(properties.port()).build();
        sandbox.addStore(properties.apiKey(), properties.storeId());
        for (SandboxProperties.SeedOrder seed : properties.seedOrders()) {
            sandbox.addOrder(seed.storeId() != null ? seed.storeId() : properties.storeId(),
                    seed.id(), seed.status(), seed.trackingUrl());
        }
        try {
            sandbox.start();
        } catch (IOException e) {
            throw new UncheckedIOException("TribeMade sandbox could not listen on 127.0.0.1:" + properties.port(), e);
        }
        log.info("TribeMade sandbox listening on {} for store {}", sandbox.baseUrl(), properties.storeId());
        log.info("TribeMade sandbox orders: {}", properties.seedOrders().stream()
                .map(seed -> seed.id() + " " + seed.status()
                        + (seed.storeId() != null && !seed.storeId().equals(properties.storeId()) ? " (other store)" : ""))
                .collect(Collectors.joining(", ")));
        return sandbox;
    }

    /** A courier for the demo: the shipment examples/shipments.csv dispatches is delivered, as the courier tells it. */
    @Bean(destroyMethod = "stop")
    @Lazy(false)
    CourierSandbox courierSandbox(SandboxProperties properties) {
        CourierSandbox sandbox = CourierSandbox.builder().port(properties.courierPort())
                .delhiveryToken(properties.delhiveryToken()).genericKey(properties.delhiveryToken()).build();
        sandbox.delhivery(SandboxProperties.DEMO_DELIVERED_AWB, CourierSandbox.DelhiveryStatus.IN_TRANSIT,
                "Bhiwandi_Mankoli_HB (Maharashtra)");
        sandbox.delhivery(SandboxProperties.DEMO_DELIVERED_AWB, CourierSandbox.DelhiveryStatus.DELIVERED,
                "Mumbai_Andheri_DC (Maharashtra)");
        try {
            sandbox.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Courier sandbox could not listen on 127.0.0.1:" + properties.courierPort(), e);
        }
        log.info("Courier sandbox (Delhivery tracking API) listening on {}; AWB {} is delivered", sandbox.baseUrl(),
                SandboxProperties.DEMO_DELIVERED_AWB);
        return sandbox;
    }
}
