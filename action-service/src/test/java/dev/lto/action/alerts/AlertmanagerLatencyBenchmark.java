package dev.lto.action.alerts;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lto.contracts.AlertSeverity;
import dev.lto.testsupport.TestRedis;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alert → visible in Alertmanager latency, against a real Alertmanager (docs/benchmarks.md). Not
 * part of the test run (the class name does not match surefire's patterns); run it with
 * {@code ./mvnw -o -pl action-service -am test -Dtest=AlertmanagerLatencyBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dlto.bench.alerts=300}.
 * <p>Sequential: raise one alert (the engine's commit, outbox row, wake-up, POST), then poll
 * Alertmanager's {@code /api/v2/alerts?filter=alert_id="…"} every millisecond until it is listed.
 * Burst: raise N alerts back to back, poll the whole list until each is listed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AlertmanagerLatencyBenchmark {

    static final AlertmanagerProcess AM = newAlertmanager();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws IOException {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-am-bench")::toString);
        registry.add("lto.action.alerts.alertmanager-url", () -> AM == null ? "http://127.0.0.1:1" : AM.url());
        registry.add("lto.action.alerts.check-interval", () -> "1h");
    }

    @LocalServerPort
    int port;

    @Autowired
    AlertEngine engine;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @AfterAll
    static void stop() throws InterruptedException {
        if (AM != null) {
            AM.stop();
        }
    }

    @Test
    void alertToVisibleInAlertmanager() throws Exception {
        assumeTrue(AM != null, "prometheus-alertmanager not installed");
        int n = Integer.getInteger("lto.bench.alerts", 300);
        AM.start("http://localhost:" + port);
        // Warm-up (JIT, connections), not measured.
        for (int i = 0; i < 20; i++) {
            String id = raise("warmup");
            while (!visible(id)) {
                Thread.sleep(1);
            }
        }
        double[] sequential = new double[n];
        double[] commit = new double[n];
        double[] afterCommit = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            String id = raise("seq");
            long committed = System.nanoTime();
            while (!visible(id)) {
                Thread.onSpinWait();
            }
            long seen = System.nanoTime();
            sequential[i] = (seen - t0) / 1e6;
            commit[i] = (committed - t0) / 1e6;
            afterCommit[i] = (seen - committed) / 1e6;
        }
        report("sequential, raise() to visible", sequential);
        report("sequential, raise() itself (transaction + commit)", commit);
        report("sequential, commit to visible (outbox wake-up, POST, Alertmanager)", afterCommit);

        // Burst: one thread raises back to back while another polls Alertmanager's list.
        Map<String, Long> raisedAt = new java.util.concurrent.ConcurrentHashMap<>();
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, Long> seenAt = new java.util.concurrent.ConcurrentHashMap<>();
        var done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread poller = Thread.ofPlatform().start(() -> {
            try {
                long deadline = System.nanoTime() + 300_000_000_000L;
                while ((!done.get() || seenAt.size() < n) && System.nanoTime() < deadline) {
                    JsonNode all = json.readTree(http.send(HttpRequest.newBuilder(URI.create(AM.url() + "/api/v2/alerts?filter="
                            + URLEncoder.encode("alertname=\"bench_burst\"", StandardCharsets.UTF_8))).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                    long now = System.nanoTime();
                    for (JsonNode a : all) {
                        seenAt.putIfAbsent(a.at("/labels/alert_id").asString(), now);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long burstStart = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            String id = raise("burst");
            raisedAt.put(id, t);
            ids.add(id);
        }
        long raisedAll = System.nanoTime();
        done.set(true);
        poller.join();
        double[] burst = ids.stream().mapToDouble(id -> (seenAt.get(id) - raisedAt.get(id)) / 1e6).toArray();
        report("burst of " + n + " (raised in " + Math.round((raisedAll - burstStart) / 1e6) + " ms, all visible after "
                + Math.round((seenAt.values().stream().mapToLong(Long::longValue).max().orElseThrow() - burstStart) / 1e6) + " ms)", burst);
    }

    private String raise(String kind) {
        String job = "job_" + UUID.randomUUID().toString().substring(0, 8);
        return engine.raise(new AlertSignal(null, "bench/" + job, AlertSeverity.WARN, "bench_" + kind, job, "benchmark alert", null,
                AlertSource.STREAM, "benchmark", Instant.now())).orElseThrow().alertId();
    }

    private boolean visible(String alertId) throws Exception {
        String filter = URLEncoder.encode("alert_id=\"" + alertId + "\"", StandardCharsets.UTF_8);
        String body = http.send(HttpRequest.newBuilder(URI.create(AM.url() + "/api/v2/alerts?filter=" + filter)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return body.contains(alertId);
    }

    private static void report(String what, double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        System.out.printf("BENCH alert->visible in Alertmanager, %s: n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms%n", what, s.length,
                pct(s, 50), pct(s, 90), pct(s, 99), s[s.length - 1]);
    }

    private static double pct(double[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static AlertmanagerProcess newAlertmanager() {
        try {
            return AlertmanagerProcess.binary().isPresent() ? new AlertmanagerProcess() : null;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
