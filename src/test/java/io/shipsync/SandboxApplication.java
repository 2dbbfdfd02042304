package io.shipsync;

import org.springframework.boot.SpringApplication;

/**
 * The demo: shipsync with the platform and courier sandboxes
 * ({@code io.shipsync.sandbox}, test code, never in the jar) under the {@code sandbox}
 * profile. {@code ./mvnw spring-boot:test-run} starts it.
 */
public final class SandboxApplication {

    private SandboxApplication() {
    }

    public static void main(String[] args) {
        SpringApplication.from(ShipsyncApplication::main).withAdditionalProfiles("sandbox").run(args);
    }

}
