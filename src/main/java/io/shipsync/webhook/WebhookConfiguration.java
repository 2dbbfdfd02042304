package io.shipsync.webhook;

import io.micrometer.observation.ObservationPredicate;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;

@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

    private static final String WEBHOOK_PATHS = "/webhook/";

    @Bean
    FilterRegistrationBean<WebhookRequestGuard> webhookRequestGuard(WebhookProperties properties,
            WebhookReplies replies, WebhookOutcomes outcomes) {
        var registration = new FilterRegistrationBean<>(new WebhookRequestGuard(properties, replies, outcomes));
        registration.addUrlPatterns(WEBHOOK_PATHS + "*");
        return registration;
    }

    /**
     * Leaves the webhook's requests out of Spring's {@code http.server.requests}
     * observation, which cost about 3 % of the CPU at 500 requests a second; they are
     * counted by {@code shipsync_webhook_events_total} and timed by
     * {@code camel_route_policy_seconds{routeId="order-webhook"}}. The admin API and the
     * status page keep it.
     */
    @Bean
    ObservationPredicate webhookRequestsUnobserved() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && request.getCarrier().getRequestURI().startsWith(WEBHOOK_PATHS));
    }

}
