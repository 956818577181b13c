package dev.lto.intelligence.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.JobState;
import dev.lto.intelligence.IntelligenceApplication;
import dev.lto.testsupport.MalformedJson;
import dev.lto.testsupport.MalformedJson.Body;
import dev.lto.testsupport.MalformedJson.Contract;
import dev.lto.testsupport.MalformedJson.Query;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Input hardening of the intelligence service's API (issue #14, docs/api.md "Problem types"): malformed predictions,
 * batches, reviews, cancels, history/trend filters and job ids never answer 5xx (a 503 "unavailable" of predict is the
 * model's state, not the input's, and only for a body that passed validation), surely-invalid ones are refused, and a
 * job's stored state, history and reviews are unchanged unless the answer was a success. The service runs for real
 * (own Spring context, HTTP, a real redis-server, its own DuckDB store); no model, so predict answers 503 when valid.
 */
class MalformedIntelligenceInputPropertiesTest {

    static final String PARAMETERS = """
            {"job_id":"job_hard0001","na":0.33,"wavelength_nm":13.5,"dose_mj_cm2":30,"sigma":0.8,"resist_thickness_nm":30,
             "grid_size_nm":1.0,"pattern_complexity":"MODERATE","use_ai_surrogate":true,"job_class":2,"priority":"HIGH",
             "constraint_profile":"default","submitted_by":"prop","metadata":{"lot":"L1"}}""";
    static final String REVIEW = """
            {"action":"START","reviewer":"eng-7","note":"checking"}""";

    private static ConfigurableApplicationContext app;
    private static TestHttp api;
    private static JobRepository jobs;
    private static PipelineRepository pipeline;

    @BeforeContainer
    static void start() throws Exception {
        // Command-line arguments: they win over application.yml (default properties would lose to its port 8081 and Redis 6379).
        app = new SpringApplicationBuilder(IntelligenceApplication.class)
                .run(Stream.concat(Stream.of(TestRedis.shared().springProperties()), Stream.of(
                        "server.port=0", "lto.data-dir=" + Files.createTempDirectory("lto-intel-hardening"),
                        "lto.models.bootstrap.enabled=false")).map(p -> "--" + p).toArray(String[]::new));
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        api = TestHttp.localhost(() -> port).withTimeout(java.time.Duration.ofSeconds(30));
        jobs = app.getBean(JobRepository.class);
        pipeline = app.getBean(PipelineRepository.class);
    }

    @AfterContainer
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    /** A job waiting for review, stored directly (not through the pipeline, which would run it). */
    private static String flaggedJob() {
        String id = "job_p" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        assertThat(jobs.insertIfAbsent(JobParameters.of(0.33, 30).withJobId(id), now, "synthetic", "test/" + id)).isTrue();
        assertThat(jobs.updateState(id, JobState.SUBMITTED, JobState.ANOMALY_FLAGGED, now, "property test", false)).isTrue();
        return id;
    }

    /** What review and cancel can change of a job. */
    private static String stateOf(String jobId) {
        return jobs.find(jobId).orElseThrow().state() + " history=" + jobs.history(jobId).size() + " reviews=" + pipeline.reviews(jobId).size();
    }

    @Provide
    Arbitrary<Body> parameters() {
        return MalformedJson.bodies(PARAMETERS, Contract.strict().withFreeForm("metadata"));
    }

    @Provide
    Arbitrary<Body> batches() {
        return MalformedJson.bodies("{\"jobs\":[" + PARAMETERS + ",{\"na\":0.3,\"dose_mj_cm2\":20}]}",
                Contract.strict().withFreeForm("jobs[].metadata"));
    }

    @Provide
    Arbitrary<Body> reviews() {
        return MalformedJson.bodies(REVIEW, Contract.strict());
    }

    @Provide
    Arbitrary<String[]> requesters() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(128).map(v -> new String[] {v, v.isBlank() ? "blank" : ""}),
                Arbitraries.strings().ofMinLength(129).ofMaxLength(2000).map(v -> new String[] {v, "too long"}));
    }

    static final List<String> FILTERS = List.of("from", "to", "job_class", "adapter_type", "state");
    static final List<String> PLAUSIBLE = List.of("2026-11-01T00:00:00Z", "2026-11-01T00:00:00+01:00", "1", "20", "21", "0",
            "synthetic", "COMPLETED,anomaly_flagged", "bogus", "1d", "15m", "0m", "999999d", "overall_health", "MTc5NTY4NjAxMjAwMDAwMDpqb2JfMQ");

    @Provide
    Arbitrary<Query> historyFilters() {
        return MalformedJson.queries(Stream.concat(FILTERS.stream(), Stream.of("limit", "cursor")).toList(), PLAUSIBLE);
    }

    @Provide
    Arbitrary<Query> trendFilters() {
        return MalformedJson.queries(Stream.concat(FILTERS.stream(), Stream.of("bucket", "signal")).toList(), PLAUSIBLE);
    }

    @Provide
    Arbitrary<String[]> jobIds() {
        return MalformedJson.pathIds(List.of("job_00000000", "job_", "a.b", ".."));
    }

    @Property(tries = 300)
    void aMalformedPredictionRequestIsRefused(@ForAll("parameters") Body body) throws Exception {
        checkAnswer(body.toString(), body.surelyInvalid(), api.post("/api/v1/tradeoffs/predict", body.bytes()));
    }

    @Property(tries = 200)
    void aMalformedBatchIsRefused(@ForAll("batches") Body body) throws Exception {
        checkAnswer(body.toString(), body.surelyInvalid(), api.post("/api/v1/tradeoffs/predict/batch", body.bytes()));
    }

    @Property(tries = 200)
    void aMalformedReviewIsRefusedAndLeavesTheJobAsItWas(@ForAll("reviews") Body body) throws Exception {
        String id = flaggedJob();
        String before = stateOf(id);
        HttpResponse<String> r = api.post("/api/v1/jobs/" + id + "/review", body.bytes());
        checkAnswer(body.toString(), body.surelyInvalid(), r);
        if (r.statusCode() != 200) {
            assertThat(stateOf(id)).as("changed although answered %s: %s", r.statusCode(), body).isEqualTo(before);
        }
    }

    @Property(tries = 200)
    void aMalformedCancelIsRefusedAndLeavesTheJobAsItWas(@ForAll("requesters") String[] requestedBy) throws Exception {
        String id = flaggedJob();
        String before = stateOf(id);
        HttpResponse<String> r = api.delete("/api/v1/jobs/" + id + "?requested_by=" + MalformedJson.enc(requestedBy[0]));
        checkAnswer(String.join(" ", requestedBy), !requestedBy[1].isEmpty(), r);
        assertThat(stateOf(id)).as("a flagged job cannot be cancelled; answered %s", r.statusCode()).isEqualTo(before);
    }

    @Property(tries = 200)
    void historyFiltersNeverFail(@ForAll("historyFilters") Query q) throws Exception {
        checkAnswer(q.toString(), q.surelyInvalid(), api.get("/api/v1/tradeoffs/history?" + q.text()));
    }

    @Property(tries = 200)
    void trendFiltersNeverFail(@ForAll("trendFilters") Query q) throws Exception {
        checkAnswer(q.toString(), q.surelyInvalid(), api.get("/api/v1/tradeoffs/trends?" + q.text()));
    }

    @Property(tries = 150)
    void oddJobIdsAreRefusedOrUnknown(@ForAll("jobIds") String[] id) throws Exception {
        String path = "/api/v1/jobs/" + MalformedJson.enc(id[0]);
        for (String p : List.of(path, path + "/report", path + "/artifacts/aerial.png")) {
            HttpResponse<String> r = api.get(p);
            checkAnswer(p, !id[1].isEmpty(), r);
            assertThat(r.statusCode()).as(p).isNotEqualTo(200);
        }
        HttpResponse<String> review = api.post(path + "/review", REVIEW);
        checkAnswer(path + "/review", !id[1].isEmpty(), review);
        HttpResponse<String> cancel = api.delete(path);
        checkAnswer(path + " DELETE", !id[1].isEmpty(), cancel);
    }

    /**
     * Never a 5xx, except predict's 503 "unavailable" (no model: the service's state, for a body that passed validation);
     * a surely-invalid request is a 400 (or a 413/414/431 limit of the server).
     */
    static void checkAnswer(String what, boolean surelyInvalid, HttpResponse<String> r) {
        boolean modelUnavailable = r.statusCode() == 503 && r.body().contains("/problems/unavailable");
        if (!modelUnavailable) {
            assertThat(r.statusCode()).as("%s → %s %s", what, r.statusCode(), r.body()).isLessThan(500);
        }
        if (surelyInvalid) {
            assertThat(r.statusCode()).as("%s → %s", what, r.body()).isIn(400, 413, 414, 431);
        }
    }
}
