package dev.lto.action;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lto.testsupport.TestRedis;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One running action-service shared by the WebSocket and console tests (same configuration, so
 * Spring's test context cache starts it once): the seed's real 5 s metric beat, its own event
 * stream ({@code live.events}, so other test contexts' events never reach it), and a stand-in
 * peer that answers like the ingestion and intelligence services (actuator health, simulator
 * health, the tradeoff trends API).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.stream.bindings.jobEvents-in-0.destination=live.events",
        "lto.action.health.streams=live.events",
        "lto.action.streams.metrics-interval=5s",
        "lto.action.streams.trend-refresh=1s",
        "lto.action.alerts.check-interval=1h"})
public abstract class LiveStreamsContext {

    public static final String EVENTS = "live.events";
    public static final AtomicReference<String> TRENDS_QUERY = new AtomicReference<>();
    public static final HttpServer PEER = peer();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws IOException {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-live-test")::toString);
        String peer = "http://localhost:" + PEER.getAddress().getPort();
        registry.add("lto.action.health.services.ingestion-service", () -> peer);
        registry.add("lto.action.health.services.intelligence-service", () -> peer);
        registry.add("lto.action.streams.intelligence-url", () -> peer);
        registry.add("lto.action.console.jobs-base-url", () -> peer);
    }

    private static HttpServer peer() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
            server.createContext("/actuator/health", exchange -> respond(exchange, "{\"status\":\"UP\"}"));
            server.createContext("/api/v1/simulators/health", exchange -> respond(exchange, """
                    {"adapters":[{"adapter_type":"physics","status":"UP"}]}"""));
            server.createContext("/api/v1/tradeoffs/trends", exchange -> {
                TRENDS_QUERY.set(exchange.getRequestURI().getQuery());
                respond(exchange, """
                        {"bucket":"10m","signals":{
                          "speed_vs_accuracy":{"direction":"improving","buckets":[{"count":3,"mean":0.8},{"count":2,"mean":0.82},{"count":0}]},
                          "yield_risk":{"direction":"degrading","buckets":[{"count":1,"mean":0.1},{"count":4,"mean":0.15}]},
                          "cost_vs_fidelity":{"direction":"stable","buckets":[{"count":5,"mean":0.61}]}}}""");
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void respond(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
