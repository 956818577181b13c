package dev.lto.platform.web;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.validation.Validator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import tools.jackson.databind.json.JsonMapper;

/** Problem details, strict body reading, the body limit and the API request timer, for every LTO web service. */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(HttpLimits.class)
@Import(ProblemResponses.class)
public class WebPlatformConfiguration {

    @Bean
    StrictRecordReader strictRecordReader(JsonMapper json, Validator validator) {
        return new StrictRecordReader(json, validator);
    }

    @Bean
    FilterRegistrationBean<BodySizeLimit> bodySizeLimit(HttpLimits limits, JsonMapper json) {
        var registration = new FilterRegistrationBean<>(new BodySizeLimit(limits, json));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.addUrlPatterns("/api/*", "/ingest/*");
        return registration;
    }

    /** Outside the body limit, so that a refused request is timed too. */
    @Bean
    FilterRegistrationBean<ApiRequestTimer> apiRequestTimer(ObjectProvider<MeterRegistry> meters) {
        var registration = new FilterRegistrationBean<>(new ApiRequestTimer(meters));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
        registration.addUrlPatterns("/api/*", "/ingest/*");
        return registration;
    }
}
