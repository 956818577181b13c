package dev.lto.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * What every LTO service's actuator may show (platform's ManagementDefaults, docs/operations.md "Management endpoints"):
 * health with its liveness and readiness groups and prometheus answer; nothing else is reachable, neither read
 * ({@code env}, {@code heapdump}, {@code configprops}, ...) nor written ({@code shutdown}, {@code loggers}).
 *
 * <pre>{@code
 * ManagementExposure.assertOnlyHealthAndPrometheus(TestHttp.localhost(() -> port));
 * }</pre>
 */
public final class ManagementExposure {

    /** Endpoints Spring Boot and Spring Cloud could expose, none of which may answer. */
    public static final List<String> HIDDEN = List.of("env", "heapdump", "configprops", "beans", "threaddump", "loggers",
            "metrics", "info", "mappings", "conditions", "scheduledtasks", "caches", "startup", "sbom", "httpexchanges",
            "auditevents", "sessions", "logfile", "integrationgraph", "bindings", "functions", "refresh", "serviceregistry");

    private ManagementExposure() {
    }

    /** Fails unless health, liveness, readiness and prometheus answer 200 and every other endpoint is absent. */
    public static void assertOnlyHealthAndPrometheus(TestHttp http) throws IOException, InterruptedException {
        HttpResponse<String> health = http.get("/actuator/health");
        assertEquals(200, health.statusCode(), "/actuator/health: " + health.body());
        for (String group : List.of("liveness", "readiness")) {
            HttpResponse<String> probe = http.get("/actuator/health/" + group);
            assertEquals(200, probe.statusCode(), "/actuator/health/" + group + ": " + probe.body());
            assertTrue(probe.body().contains("\"UP\""), "/actuator/health/" + group + ": " + probe.body());
        }
        HttpResponse<String> prometheus = http.get("/actuator/prometheus");
        assertEquals(200, prometheus.statusCode(), "/actuator/prometheus");
        assertTrue(prometheus.body().contains("# HELP "), "/actuator/prometheus is not a Prometheus exposition");

        for (String endpoint : HIDDEN) {
            HttpResponse<String> r = http.get("/actuator/" + endpoint);
            // 404: not created (management defaults); 403: refused for every key by the endpoint-role table first.
            assertTrue(r.statusCode() == 404 || r.statusCode() == 403, "GET /actuator/" + endpoint + " must not be reachable: "
                    + r.statusCode() + " " + r.body());
        }
        // Writes: shutdown would stop the service, loggers would let anyone turn on TRACE logging.
        HttpResponse<String> shutdown = http.send(http.request("/actuator/shutdown")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody()));
        assertFalse(shutdown.statusCode() < 300, "POST /actuator/shutdown answered " + shutdown.statusCode());
        HttpResponse<String> logger = http.send(http.request("/actuator/loggers/ROOT")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"configuredLevel\":\"TRACE\"}")));
        assertFalse(logger.statusCode() < 300, "POST /actuator/loggers/ROOT answered " + logger.statusCode());
        assertEquals(200, http.get("/actuator/health").statusCode(), "the service must still run after POST /actuator/shutdown");

        // The discovery page links only what exists.
        // The discovery page links only what exists (where the endpoint-role table lets a key see it at all).
        HttpResponse<String> index = http.get("/actuator");
        assertTrue(index.statusCode() == 200 || index.statusCode() == 403, "/actuator: " + index.statusCode());
        for (String endpoint : HIDDEN) {
            assertFalse(index.body().contains("/actuator/" + endpoint + "\""), "/actuator links " + endpoint + ": " + index.body());
        }
    }
}
