package dev.lto.system;

import static dev.lto.system.SystemProbe.JSON;
import static dev.lto.system.SystemProbe.concat;
import static dev.lto.system.SystemProbe.getJson;
import static dev.lto.system.SystemProbe.post;
import static dev.lto.system.SystemProbe.stateOf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lto.testsupport.TestRedis;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Traces and production logs with the real jars, the OpenTelemetry Java agent the build ships
 * (target/otel) and profile {@code prod}: one job's submission, validation, preflight, simulation and
 * evaluation form ONE trace across the three services, linked through the envelopes'
 * {@code trace_context} over the Redis Streams hops; every log line is a JSON object and every line
 * of the job's work names the job and the trace. The agent exports spans with its {@code logging-otlp}
 * exporter (OTLP JSON, one line per batch, on the agent's stderr).
 */
class TracingSystemIT {

    private static final Set<String> END = Set.of("COMPLETED", "ANOMALY_FLAGGED", "BLOCKED", "REJECTED", "FAILED");

    static TestRedis redis;
    static ServiceProcess ingestion;
    static ServiceProcess intelligence;
    static ServiceProcess action;

    @BeforeAll
    static void startSystem() throws Exception {
        Path agent = Path.of(System.getProperty("lto.otel.agent", "../target/otel/opentelemetry-javaagent.jar"));
        assertThat(agent).as("the build copies the agent there (root pom); run ./mvnw verify").exists();
        redis = TestRedis.shared();
        redis.flushAll();
        Path dataDir = Files.createTempDirectory("lto-tracing-");
        List<String> common = List.of("--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port(),
                "--spring.profiles.active=prod");
        ingestion = traced(new ServiceProcess("ingestion-service", common), agent);
        intelligence = traced(new ServiceProcess("intelligence-service", concat(common, "--lto.data-dir=" + dataDir,
                // Physics-lite serves preflight at once (reference campaign); a coarse simulator and a small first-stage
                // training keep the CPU for the one job (same settings as DurabilitySystemIT).
                "--lto.simulator.physics.grid.max-mask-px=128", "--lto.simulator.physics.fem.focus-points=3",
                "--lto.simulator.physics.fem.dose-points=3", "--lto.simulator.physics.source.step-sigma=0.2",
                "--lto.simulator.physics.socs.max-kernels=8", "--lto.models.xgboost.trees=30", "--lto.models.mlp.max-epochs=30",
                "--lto.models.mlp.patience=5", "--lto.models.mlp.mc-passes=20", "--lto.models.gp.subset=30",
                "--lto.preflight.candidates=60")), agent);
        action = traced(new ServiceProcess("action-service", concat(common,
                "--lto.action.health.services.ingestion-service=" + ingestion.baseUrl(),
                "--lto.action.health.services.intelligence-service=" + intelligence.baseUrl())), agent);
        ingestion.start();
        intelligence.start();
        action.start();
        // The agent instruments classes as they load: startup takes about twice as long as without it.
        Duration startup = Duration.ofMinutes(10);
        ingestion.awaitHealthy(startup);
        intelligence.awaitHealthy(startup);
        action.awaitHealthy(startup);
    }

    private static ServiceProcess traced(ServiceProcess service, Path agent) {
        // LTO's agent settings as ./lto up --otel uses them; only the exporter differs (spans to the agent's log).
        Path config = Path.of(System.getProperty("lto.otel.agent-config", "../otel/agent.properties"));
        return service.withJvm(List.of("-javaagent:" + agent.toAbsolutePath(),
                "-Dotel.javaagent.configuration-file=" + config.toAbsolutePath()), Map.of(
                "OTEL_TRACES_EXPORTER", "logging-otlp", "OTEL_BSP_SCHEDULE_DELAY", "500"));
    }

    @AfterAll
    static void stopSystem() throws Exception {
        for (ServiceProcess p : new ServiceProcess[] {ingestion, intelligence, action}) {
            if (p != null) {
                p.close();
            }
        }
    }

    @Test
    void oneJobIsOneTraceAcrossTheThreeServicesAndItsLogLinesNameJobAndTrace() throws Exception {
        HttpResponse<String> r = post(ingestion.baseUrl() + "/api/v1/jobs/submit", """
                {"na": 0.33, "wavelength_nm": 13.5, "dose_mj_cm2": 40, "job_class": 1, "sigma": 0.8,
                 "constraint_profile": "exploratory", "submitted_by": "tracing-test"}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String jobId = JSON.readTree(r.body()).get("job_id").asString();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> END.contains(stateOf(intelligence, jobId)));
        String endState = stateOf(intelligence, jobId);
        assertThat(endState).as("the job must run through simulation and evaluation").isIn("COMPLETED", "ANOMALY_FLAGGED");
        // The action layer has seen the end state: then every hop happened.
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).until(() ->
                getJson(action.baseUrl() + "/api/v1/health/components").findValues("jobs_by_state").stream()
                        .anyMatch(byState -> byState.path(endState).asLong() >= 1));
        // A graceful stop flushes the agent's span processor.
        stopSystem();

        List<Span> spans = new ArrayList<>();
        spans.addAll(spans(ingestion, "ingestion-service"));
        spans.addAll(spans(intelligence, "intelligence-service"));
        spans.addAll(spans(action, "action-service"));
        Span submit = spans.stream().filter(s -> s.name().equals("job.submit") && jobId.equals(s.jobId())).findFirst()
                .orElseThrow(() -> new AssertionError("no job.submit span for " + jobId + " among " + spans.size() + " spans"));
        List<Span> trace = spans.stream().filter(s -> s.traceId().equals(submit.traceId())).toList();
        Map<String, Span> byId = trace.stream().collect(Collectors.toMap(Span::spanId, s -> s, (a, b) -> a));

        // Every step of the job, in the service that does it, in the one trace.
        assertThat(names(trace, "ingestion-service")).contains("POST /api/v1/jobs/submit", "job.submit", "lto.jobs.submitted publish");
        assertThat(names(trace, "intelligence-service")).contains("lto.jobs.submitted process", "job.validate", "job.preflight",
                "job.dispatch", "lto.sim.requests.cpu publish", "lto.sim.requests.cpu process", "simulation.run",
                "lto.sim.results publish", "lto.sim.results process", "job.evaluate", "lto.events publish");
        assertThat(names(trace, "action-service")).contains("lto.events process");
        // No span of the job's work in another trace: the hops continue it rather than start new ones.
        assertThat(spans.stream().filter(s -> jobId.equals(s.jobId()) && !s.traceId().equals(submit.traceId())).toList())
                .as("spans of job %s outside its trace", jobId).isEmpty();

        // Parent links across each hop: process ← publish, and the steps under the right spans.
        assertParent(trace, byId, "lto.jobs.submitted process", "lto.jobs.submitted publish");
        assertParent(trace, byId, "job.validate", "lto.jobs.submitted process");
        // Preflight runs on intake, or on a resume when the job waited for a model.
        assertParent(trace, byId, "job.preflight", "lto.jobs.submitted process", "job.resume");
        assertParent(trace, byId, "lto.sim.requests.cpu publish", "job.dispatch");
        assertParent(trace, byId, "lto.sim.requests.cpu process", "lto.sim.requests.cpu publish");
        assertParent(trace, byId, "simulation.run", "lto.sim.requests.cpu process");
        assertParent(trace, byId, "lto.sim.results process", "lto.sim.results publish");
        assertParent(trace, byId, "job.evaluate", "lto.sim.results process");
        assertParent(trace, byId, "lto.events process", "lto.events publish");
        // The event of the end state was published under the evaluation that decided it.
        assertThat(trace.stream().filter(s -> s.name().equals("lto.events publish"))
                .anyMatch(s -> byId.containsKey(s.parentId()) && byId.get(s.parentId()).name().equals("job.evaluate")))
                .as("an lto.events publish under job.evaluate").isTrue();

        // Logs: every line a service wrote is one JSON object; every line of the job's work names the job and its trace.
        for (ServiceProcess p : List.of(ingestion, intelligence, action)) {
            List<String> lines = Files.readAllLines(p.stdout());
            assertThat(lines).isNotEmpty();
            for (String line : lines) {
                JsonNode json;
                try {
                    json = JSON.readTree(line);
                } catch (RuntimeException e) {
                    throw new AssertionError(p.stdout() + ": not a JSON line: " + line, e);
                }
                assertThat(json.isObject()).as(line).isTrue();
                if (json.has("job_id") && json.get("job_id").asString().equals(jobId)) {
                    assertThat(json.path("trace_id").asString()).as("trace id on a line of job %s: %s", jobId, line)
                            .isEqualTo(submit.traceId());
                }
            }
        }
        long jobLines = List.of(intelligence).stream().flatMap(p -> {
            try {
                return Files.readAllLines(p.stdout()).stream();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).filter(l -> l.contains("\"job_id\":\"" + jobId + "\"")).count();
        assertThat(jobLines).as("the intelligence service logs the job's work with its job_id").isPositive();
    }

    private static void assertParent(List<Span> trace, Map<String, Span> byId, String child, String... parents) {
        assertThat(trace.stream().filter(s -> s.name().equals(child)))
                .as("a %s span in the trace", child).isNotEmpty()
                .allSatisfy(s -> assertThat(byId.get(s.parentId())).as("parent of %s", child).isNotNull()
                        .extracting(Span::name).isIn((Object[]) parents));
    }

    private static List<String> names(List<Span> trace, String service) {
        return trace.stream().filter(s -> s.service().equals(service)).map(Span::name).distinct().toList();
    }

    record Span(String service, String traceId, String spanId, String parentId, String name, String jobId) {
    }

    /** The spans a service's agent printed: OTLP JSON (one ResourceSpans per line) after the agent's log prefix. */
    private static List<Span> spans(ServiceProcess p, String service) throws IOException {
        List<Span> spans = new ArrayList<>();
        for (String line : Files.readAllLines(p.stderr())) {
            int json = line.indexOf("{\"resource\"");
            if (!line.contains("OtlpJsonLoggingSpanExporter") || json < 0) {
                continue;
            }
            JsonNode resourceSpans = JSON.readTree(line.substring(json));
            for (JsonNode scope : resourceSpans.path("scopeSpans")) {
                for (JsonNode s : scope.path("spans")) {
                    String jobId = null;
                    for (JsonNode a : s.path("attributes")) {
                        if (a.path("key").asString().equals("lto.job_id")) {
                            jobId = a.path("value").path("stringValue").asString();
                        }
                    }
                    spans.add(new Span(service, s.path("traceId").asString(), s.path("spanId").asString(),
                            s.path("parentSpanId").asString(""), s.path("name").asString(), jobId));
                }
            }
        }
        return spans;
    }
}
