package dev.lto.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.testsupport.TestKeys;
import dev.lto.testsupport.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the system tests ask of the running system: HTTP, the stored DuckDB file, the events on Redis. */
final class SystemProbe {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /**
     * Intelligence settings for a pipeline that fits a CI run on 2 cores: a coarse physics setting keeps
     * a job near 0.1 s, and a small bootstrap campaign trains the first model in a few minutes.
     */
    static final List<String> FAST_PIPELINE = List.of(
            "--lto.simulator.physics.grid.max-mask-px=128", "--lto.simulator.physics.fem.focus-points=3",
            "--lto.simulator.physics.fem.dose-points=3", "--lto.simulator.physics.source.step-sigma=0.2",
            "--lto.simulator.physics.socs.max-kernels=8",
            "--lto.models.bootstrap.samples=30", "--lto.models.xgboost.trees=30", "--lto.models.mlp.max-epochs=30",
            "--lto.models.mlp.patience=5", "--lto.models.mlp.mc-passes=20", "--lto.models.gp.subset=30",
            "--lto.preflight.candidates=60", "--lto.worker.reclaim-after=3s", "--lto.pipeline.retry-delay=2s");

    private SystemProbe() {
    }

    /**
     * Blockable: EUV at 1 mJ/cm² (a few photons per nm²: yield risk 1) under the strict profile, which blocks
     * on the predicted score. Not the default profile: 30 bootstrap jobs leave fewer than the 19 calibration
     * jobs a finite 95% interval needs, so every interval is [0, 1] and whether block-on confident blocks
     * depends only on whether the router lets the first stage answer.
     */
    static boolean isBlockable(int n) {
        return n % 10 == 7;
    }

    /** Physically pointless: job class 20 (dense lines at k₁ 0.25) at σ 0.7 is below the optics' cut-off. */
    static boolean isPointless(int n) {
        return n % 20 == 19;
    }

    /** A mix: most jobs sound (ArF, 10–40 mJ/cm²), the blockable ones, the physically pointless ones. */
    static String submitCampaignJob(ServiceProcess ingestion, int n, String submittedBy) throws Exception {
        HttpResponse<String> r = post(ingestion.baseUrl() + "/api/v1/jobs/submit", campaignJob(n, submittedBy, null));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).get("job_id").asString();
    }

    /** Job n of the campaign under the client's own id (a resubmission with it counts as the same job), whatever the answer. */
    static HttpResponse<String> submitCampaignJob(ServiceProcess ingestion, int n, String submittedBy, String jobId) throws Exception {
        return post(ingestion.baseUrl() + "/api/v1/jobs/submit", campaignJob(n, submittedBy, jobId));
    }

    private static String campaignJob(int n, String submittedBy, String jobId) {
        int jobClass = 1 + n % 20;
        double dose = isBlockable(n) ? 1.0 : 10 + (n % 7) * 5;
        String priority = List.of("LOW", "NORMAL", "HIGH", "CRITICAL").get(n % 4);
        return "{" + (jobId == null ? "" : "\"job_id\":\"" + jobId + "\",")
                + "\"na\":" + (0.33 + (n % 3) * 0.1) + ",\"wavelength_nm\":" + (isBlockable(n) ? 13.5 : 193)
                + ",\"sigma\":0.7,\"grid_size_nm\":2"
                + ",\"dose_mj_cm2\":" + dose + ",\"job_class\":" + jobClass + ",\"priority\":\"" + priority + "\""
                + (isBlockable(n) ? ",\"constraint_profile\":\"strict\"" : "")
                + ",\"use_ai_surrogate\":" + (n % 5 != 0) + ",\"submitted_by\":\"" + submittedBy + "\"}";
    }

    static HttpResponse<String> post(String url, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("X-API-Key", TestKeys.ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET, any status: the body (a health endpoint answers 503 when DOWN). */
    static String getRaw(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("X-API-Key", TestKeys.ADMIN).timeout(java.time.Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** GET that must answer 200 with JSON. */
    static JsonNode getJson(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("X-API-Key", TestKeys.ADMIN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + " → " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** A job's state, or null while the service does not know it (or does not answer). */
    static String stateOf(ServiceProcess intelligence, String jobId) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(intelligence.baseUrl() + "/api/v1/jobs/" + jobId)).header("X-API-Key", TestKeys.ADMIN)
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()).get("state").asString() : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** The intelligence store, read-only: only once its one writer has stopped (DuckDB locks the file). */
    static Connection readOnlyStore(Path dataDir) throws Exception {
        return readOnlyStore(dataDir, "lto.duckdb");
    }

    /** A service's DuckDB file in {@code dataDir} ({@code action.duckdb} is action-service's), read-only once it stopped. */
    static Connection readOnlyStore(Path dataDir, String file) throws Exception {
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        return DriverManager.getConnection("jdbc:duckdb:" + dataDir.resolve(file), readOnly);
    }

    static long single(Connection db, String sql) throws Exception {
        try (ResultSet rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Distinct ids of job state events on lto.events (monitoring snapshots and progress share the stream). */
    static long distinctStateEvents(TestRedis redis) {
        return ((List<?>) redis.command("XRANGE", "lto.events", "-", "+")).stream()
                .map(Object::toString)
                .filter(e -> e.contains("job.state_changed"))
                .map(e -> e.replaceAll(".*\"event_id\":\"([^\"]+)\".*", "$1"))
                .distinct().count();
    }

    static List<String> concat(List<String> a, String... more) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(more));
        return all;
    }
}
