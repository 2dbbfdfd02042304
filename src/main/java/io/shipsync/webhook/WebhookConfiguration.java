package io.shipsync.webhook;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

    @Bean
    FilterRegistrationBean<WebhookRequestGuard> webhookRequestGuard(WebhookProperties properties,
            WebhookReplies replies, WebhookOutcomes outcomes) {
        var registration = new FilterRegistrationBean<>(new WebhookRequestGuard(properties, replies, outcomes));
        registration.addUrlPatterns("/webhook/*");
        return registration;
    }

}
