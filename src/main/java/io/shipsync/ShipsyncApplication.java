package io.shipsync;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class ShipsyncApplication {

    public static void main(String[] args) {
        SpringApplication.run(ShipsyncApplication.class, args);
    }

}
