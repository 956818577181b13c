package dev.lto.security;

import jakarta.servlet.DispatcherType;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderNotFoundException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import tools.jackson.databind.json.JsonMapper;

/**
 * API keys and roles for every LTO web service (docs/security.md): one stateless filter chain whose
 * authorization rules are {@link EndpointRoles#RULES}, nothing else. No sessions, no cookies (so no CSRF),
 * no login form, no generated password.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(AuthProperties.class)
@EnableWebSecurity
public class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    static RequestMatcher matcher(EndpointRoles.Rule r) {
        return PathPatternRequestMatcher.withDefaults().matcher(r.method(), r.pattern());
    }

    @Bean
    ApiKeys apiKeys(AuthProperties properties) {
        return properties.enabled() ? new ApiKeys(properties.secret()) : new ApiKeys(
                properties.secret() == null || properties.secret().length() < ApiKeys.MIN_SECRET_LENGTH
                        ? "auth-is-off-so-no-key-is-ever-checked-with-this" : properties.secret());
    }

    @Bean
    KeyDirectory keyDirectory(StringRedisTemplate redis, ApiKeys keys, AuthProperties properties) {
        return new KeyDirectory(redis, keys, properties, Clock.systemUTC());
    }

    @Bean
    WebSocketTickets webSocketTickets(StringRedisTemplate redis, AuthProperties properties) {
        return new WebSocketTickets(redis, properties.ticketTtl());
    }

    /**
     * Spring Security's own observations off, filter chain included: they name counters after filter classes
     * (spring_security_filterchains_ApiKeyFilter_before), which promtool rejects (camelCase), add nothing to
     * lto_api_request_duration_seconds, and wrapping each of the chain's filters in an observation was the largest
     * part of a refused request's CPU (a flood of 429s, docs/benchmarks.md "Flood"). Settings rather than an
     * observation predicate: with a predicate the wrappers stay and only their observations become no-ops.
     */
    @Bean
    SecurityObservationSettings noSpringSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    ServiceKey serviceKey() {
        return new ServiceKey();
    }

    /** Keys are the only way in: this keeps Boot from creating a user with a generated password. */
    @Bean
    AuthenticationManager noPasswordLogin() {
        return authentication -> {
            throw new ProviderNotFoundException("LTO accepts API keys only");
        };
    }

    @Bean
    SecurityFilterChain ltoApiKeys(HttpSecurity http, AuthProperties properties, KeyDirectory directory,
                                   WebSocketTickets tickets, JsonMapper json) throws Exception {
        AuthProblems problems = new AuthProblems(json, properties.metricsRequireKey());
        http.csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems));
        if (!properties.enabled()) {
            log.warn("**********************************************************************************");
            log.warn("*** AUTH IS OFF (lto.auth.enabled=false / LTO_AUTH=off): every endpoint answers ***");
            log.warn("*** anyone who reaches this port, without an API key. Development only.        ***");
            log.warn("**********************************************************************************");
            http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
            return http.build();
        }
        http.addFilterBefore(new ApiKeyFilter(directory, tickets, problems), AnonymousAuthenticationFilter.class);
        http.authorizeHttpRequests(a -> {
            // an error dispatch re-enters the chain for a request that was already let through (or refused)
            a.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
            for (EndpointRoles.Rule r : EndpointRoles.RULES) {
                var rule = a.requestMatchers(matcher(r));
                if (r.role() == null && !(properties.metricsRequireKey() && EndpointRoles.PROMETHEUS.equals(r.pattern()))) {
                    rule.permitAll();
                } else {
                    rule.hasRole(r.role() == null ? Role.VIEWER.name() : r.role().name());
                }
            }
            a.anyRequest().denyAll();
        });
        return http.build();
    }

    /** The ticket endpoint exists only where WebSockets do (action-service). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.web.socket.config.annotation.WebSocketConfigurer")
    @Import(WebSocketTicketController.class)
    static class Tickets {
    }
}
