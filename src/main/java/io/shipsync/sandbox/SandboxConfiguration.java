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
 * Runs the TribeMade sandbox inside the app under the {@code sandbox} profile, so the service can be demonstrated
 * end to end without TribeMade credentials.
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
}
