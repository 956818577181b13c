package dev.lto.action.streams;

import dev.lto.action.alerts.AlertEngine;
import dev.lto.action.events.PipelineActivity;
import dev.lto.action.health.HealthChecks;
import dev.lto.security.ServiceKey;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.HandshakeInterceptor;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /ws/metrics} and {@code /ws/alerts}: plain WebSocket endpoints (no STOMP, no SockJS) that
 * push JSON text frames. A handshake beyond {@code max-sessions} open sessions is answered 503.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
@EnableConfigurationProperties(StreamProperties.class)
class WebSocketStreams implements WebSocketConfigurer {

    static final String METRICS_PATH = "/ws/metrics";
    static final String ALERTS_PATH = "/ws/alerts";

    private final StreamProperties properties;
    private final FrameBroadcast metrics;
    private final FrameBroadcast alerts;

    WebSocketStreams(StreamProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.metrics = new FrameBroadcast("metrics", properties, SessionOutbox.Overflow.DROP_OLDEST,
                properties.metricsBufferBytes(), meters);
        this.alerts = new FrameBroadcast("alerts", properties, SessionOutbox.Overflow.CLOSE, properties.alertsBufferBytes(), meters);
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        HandshakeInterceptor limit = new SessionLimit();
        String[] origins = properties.allowedOrigins().toArray(String[]::new);
        registry.addHandler(metrics, METRICS_PATH).addInterceptors(limit).setAllowedOrigins(origins);
        registry.addHandler(alerts, ALERTS_PATH).addInterceptors(limit).setAllowedOrigins(origins);
    }

    @Bean
    TradeoffTrends tradeoffTrends(JsonMapper json, Clock clock, ServiceKey serviceKey) {
        return new TradeoffTrends(properties, json, clock, serviceKey);
    }

    @Bean
    MetricStream metricStream(HealthChecks health, PipelineActivity activity, TradeoffTrends trends, AlertEngine alertEngine,
                              JsonMapper json, Clock clock) {
        return new MetricStream(metrics, alerts, health, activity, trends, alertEngine, properties, json, clock);
    }

    @Bean
    AlertFrames alertFrames(JsonMapper json) {
        return new AlertFrames(alerts, json);
    }

    /** Refuses the handshake with 503 once the open sessions of both endpoints reach the limit. */
    private final class SessionLimit implements HandshakeInterceptor {

        @Override
        public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                                       Map<String, Object> attributes) {
            if (metrics.sessionCount() + alerts.sessionCount() >= properties.maxSessions()) {
                response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
                response.getHeaders().set("Retry-After", "30");
                return false;
            }
            return true;
        }

        @Override
        public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                                   Exception exception) {
        }
    }
}
