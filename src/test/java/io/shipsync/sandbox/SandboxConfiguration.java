package io.shipsync.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Profile;

/**
 * Runs the TribeMade, Tybrite Labs and Cekat sandboxes and a courier sandbox inside the
 * app under the {@code sandbox} profile, so the service can be demonstrated end to end
 * without platform or courier credentials.
 */
@Configuration(proxyBeanMethods = false)
@Profile("sandbox")
@EnableConfigurationProperties(SandboxProperties.class)
public class SandboxConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SandboxConfiguration.class);

    /**
     * Started while the bean is created, not in a lifecycle callback: singletons are all
     * created before Camel starts its routes, so the sandbox is listening before the
     * first call to it. Not lazy for the same reason.
     */
    @Bean(destroyMethod = "stop")
    @Lazy(false)
    TribeMadeSandbox tribeMadeSandbox(SandboxProperties properties) {
        TribeMadeSandbox sandbox = TribeMadeSandbox.builder().port(properties.port()).build();
        sandbox.addStore(properties.apiKey(), properties.storeId());
        for (SandboxProperties.SeedOrder seed : properties.seedOrders()) {
            sandbox.addOrder(seed.storeId() != null ? seed.storeId() : properties.storeId(), seed.id(), seed.status(),
                    seed.trackingUrl());
        }
        try {
            sandbox.start();
        }
        catch (IOException e) {
            throw new UncheckedIOException("TribeMade sandbox could not listen on 127.0.0.1:" + properties.port(), e);
        }
        log.info("TribeMade sandbox listening on {} for store {}", sandbox.baseUrl(), properties.storeId());
        log.info("TribeMade sandbox orders: {}", properties.seedOrders()
            .stream()
            .map(seed -> seed.id() + " " + seed.status()
                    + (seed.storeId() != null && !seed.storeId().equals(properties.storeId()) ? " (other store)" : ""))
            .collect(Collectors.joining(", ")));
        return sandbox;
    }

    /**
     * A courier for the demo: the shipment examples/shipments.csv dispatches is
     * delivered, as the courier tells it.
     */
    @Bean(destroyMethod = "stop")
    @Lazy(false)
    CourierSandbox courierSandbox(SandboxProperties properties) {
        CourierSandbox sandbox = CourierSandbox.builder()
            .port(properties.courierPort())
            .delhiveryToken(properties.delhiveryToken())
            .genericKey(properties.delhiveryToken())
            .build();
        sandbox.delhivery(SandboxProperties.DEMO_DELIVERED_AWB, CourierSandbox.DelhiveryStatus.IN_TRANSIT,
                "Bhiwandi_Mankoli_HB (Maharashtra)");
        sandbox.delhivery(SandboxProperties.DEMO_DELIVERED_AWB, CourierSandbox.DelhiveryStatus.DELIVERED,
                "Mumbai_Andheri_DC (Maharashtra)");
        try {
            sandbox.start();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Courier sandbox could not listen on 127.0.0.1:" + properties.courierPort(),
                    e);
        }
        log.info("Courier sandbox (Delhivery tracking API) listening on {}; AWB {} is delivered", sandbox.baseUrl(),
                SandboxProperties.DEMO_DELIVERED_AWB);
        return sandbox;
    }

    /**
     * Tybrite Labs with one account holding
     * {@link SandboxProperties#TYBRITE_DEMO_ORDERS}; requests must be signed.
     */
    @Bean(destroyMethod = "stop")
    @Lazy(false)
    TybriteSandbox tybriteSandbox(SandboxProperties properties) {
        TybriteSandbox sandbox = TybriteSandbox.builder().port(properties.tybritePort()).build();
        sandbox.addAccount(properties.tybriteApiKey(), properties.tybriteHmacSecret());
        for (SandboxProperties.DemoOrder order : SandboxProperties.TYBRITE_DEMO_ORDERS) {
            sandbox.addOrder(properties.tybriteApiKey(), UUID.fromString(order.id()), order.status());
        }
        try {
            sandbox.start();
        }
        catch (IOException e) {
            throw new UncheckedIOException(
                    "Tybrite Labs sandbox could not listen on 127.0.0.1:" + properties.tybritePort(), e);
        }
        log.info("Tybrite Labs sandbox listening on {}; orders: {}", sandbox.baseUrl(),
                SandboxProperties.TYBRITE_DEMO_ORDERS.stream()
                    .map(SandboxProperties.DemoOrder::toString)
                    .collect(Collectors.joining(", ")));
        return sandbox;
    }

    /** Cekat with one account holding {@link SandboxProperties#CEKAT_DEMO_ORDERS}. */
    @Bean(destroyMethod = "stop")
    @Lazy(false)
    CekatSandbox cekatSandbox(SandboxProperties properties) {
        CekatSandbox sandbox = CekatSandbox.builder().port(properties.cekatPort()).build();
        sandbox.addAccount(properties.cekatApiKey());
        for (SandboxProperties.DemoOrder order : SandboxProperties.CEKAT_DEMO_ORDERS) {
            sandbox.addOrder(properties.cekatApiKey(), order.id(), order.status());
        }
        try {
            sandbox.start();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cekat sandbox could not listen on 127.0.0.1:" + properties.cekatPort(), e);
        }
        log.info("Cekat sandbox listening on {}; orders: {}", sandbox.baseUrl(),
                SandboxProperties.CEKAT_DEMO_ORDERS.stream()
                    .map(SandboxProperties.DemoOrder::toString)
                    .collect(Collectors.joining(", ")));
        return sandbox;
    }

}
