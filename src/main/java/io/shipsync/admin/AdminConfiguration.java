package io.shipsync.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Who gets into the admin API and the status page, and the API's OpenAPI description. */
@Configuration
@OpenAPIDefinition(
        info = @Info(title = "shipsync admin API",
                description = "Dead letters (list, show, replay, discard), status updates, received files and stores."
                        + " Every call needs Authorization: Bearer <shipsync.admin.token>."),
        security = @SecurityRequirement(name = "admin-token"))
@SecurityScheme(name = "admin-token", type = SecuritySchemeType.HTTP, scheme = "bearer")
class AdminConfiguration {

    @Bean
    FilterRegistrationBean<AdminTokenFilter> adminTokenFilter(AdminProperties properties, ObjectMapper json) {
        var registration = new FilterRegistrationBean<>(new AdminTokenFilter(properties, json));
        registration.addUrlPatterns("/api/*");
        return registration;
    }

    @Bean
    FilterRegistrationBean<StatusPageFilter> statusPageFilter(AdminProperties properties) {
        var registration = new FilterRegistrationBean<>(new StatusPageFilter(properties));
        registration.addUrlPatterns("/", "/index.html");
        return registration;
    }

}
