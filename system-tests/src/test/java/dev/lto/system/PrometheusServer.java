package dev.lto.system;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * A real Prometheus (the Debian package's {@code /usr/bin/prometheus}) on a free port with its own
 * temporary storage, configured from the repository's {@code prometheus/prometheus.yml} with only
 * the targets, the intervals and the rule path substituted, so the rules and scrape settings under
 * test are the shipped ones.
 */
final class PrometheusServer implements AutoCloseable {

    static final Path REPO = Path.of("").toAbsolutePath().getParent();
    static final Path CONFIG_DIR = REPO.resolve("prometheus");
    private static final Path LOGS = Path.of("target", "system-logs");

    private final int port = ServiceProcess.freePort();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Path dir;
    private Process process;

    /**
     * @param targets compose target ({@code ingestion-service:8081}) → the address to scrape instead
     * @param interval scrape and evaluation interval, e.g. {@code 1s}
     */
    PrometheusServer(Map<String, String> targets, String interval) throws IOException {
        dir = Files.createTempDirectory("lto-prometheus-");
        String config = Files.readString(CONFIG_DIR.resolve("prometheus.yml"))
                .replace("scrape_interval: 15s", "scrape_interval: " + interval)
                .replace("evaluation_interval: 15s", "evaluation_interval: " + interval)
                .replace("- rules/*.yml", "- " + CONFIG_DIR.resolve("rules") + "/*.yml")
                // Nothing listens there: Prometheus only logs that it cannot notify.
                .replace("alertmanager:9093", "127.0.0.1:" + ServiceProcess.freePort());
        for (var t : targets.entrySet()) {
            if (!config.contains("'" + t.getKey() + "'")) {
                throw new IllegalStateException("prometheus.yml has no target " + t.getKey());
            }
            config = config.replace("'" + t.getKey() + "'", "'" + t.getValue() + "'");
        }
        Files.writeString(dir.resolve("prometheus.yml"), config);
    }

    static boolean installed() {
        return Files.isExecutable(Path.of("/usr/bin/prometheus"));
    }

    PrometheusServer start() throws Exception {
        Files.createDirectories(LOGS);
        File log = LOGS.resolve("prometheus.log").toFile();
        process = new ProcessBuilder("/usr/bin/prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.retention.time=1h")
                .redirectErrorStream(true).redirectOutput(log).start();
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + "; see " + log.getAbsolutePath());
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("prometheus not ready; see " + log.getAbsolutePath());
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** An instant query through the HTTP API; the {@code data.result} array. */
    JsonNode query(String promql) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = SystemProbe.JSON.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.path("status").asString())) {
            throw new AssertionError("query " + promql + " → " + r.statusCode() + " " + r.body());
        }
        return body.path("data").path("result");
    }

    /** The scrape targets' health, job → "up"/"down"/"unknown". */
    JsonNode targets() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/targets")).build(),
                HttpResponse.BodyHandlers.ofString());
        return SystemProbe.JSON.readTree(r.body()).path("data").path("activeTargets");
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
