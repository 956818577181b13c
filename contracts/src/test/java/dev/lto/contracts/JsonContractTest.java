package dev.lto.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.JobStateChanged;
import dev.lto.contracts.events.JobSubmitted;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class JsonContractTest {

    private final JsonMapper json = JsonMapper.builder().build();

    static JobParameters params() {
        return new JobParameters("job_0badf00d", 0.33, 13.5, 15.2, 0.8, 30.0, 1.0, PatternComplexity.COMPLEX,
                true, 5, JobPriority.HIGH, "strict", "alice", Map.of("illumination", "annular", "audit", true));
    }

    static SimulationResult result() {
        return new SimulationResult("job_0badf00d", params(),
                new SimulationOutputs(10.2, 61.9, 0.93, 0.25, 10.2, 10.5, 0.3, 2.1, 0.71, 33.0, 7.5, 1.4, 1.0e-6, null),
                new TradeoffSignals(0.84, 0.71, 0.76, 0.91, 0.12, 0.81),
                new ComputeStats(0.42, "socs", 121, 256, 2.0, 24, "cpu", 3.1e9, 64_000_000L),
                Instant.parse("2026-11-26T10:00:00Z"), "physics-1.0", "synthetic");
    }

    static List<Object> samples() {
        var pred = new TradeoffPrediction("pred_a3f8c2d1", params(),
                new SignalPredictions(new SignalEstimate(0.84, 0.79, 0.89), new SignalEstimate(0.71, 0.65, 0.77),
                        new SignalEstimate(0.76, 0.71, 0.81), new SignalEstimate(0.91, 0.87, 0.95),
                        new SignalEstimate(0.12, 0.08, 0.17), new SignalEstimate(0.81, 0.76, 0.86)),
                new UncertaintyAssessment(false, false, ConfidenceLevel.HIGH),
                new ConstraintEvaluation("default", true, List.of()),
                new LinkedHashMap<>(Map.of("na", 0.31)), "v2.3", 4.2);
        return List.of(params(), result(),
                new MetricSnapshot("job_0badf00d", Instant.parse("2026-11-26T10:00:01Z"), "synthetic", "imaging", 0.5, 0.2, null, 1024L, Map.of("source_points", 121.0)),
                new AdapterHealth("synthetic", HealthStatus.UP, "physics-1.0", "cpu", null, Instant.parse("2026-11-26T10:00:02Z")),
                pred,
                new ConstraintViolation("max_yield_risk", "yield_risk", "max", 0.3, 0.42, AlertSeverity.CRITICAL, "yield risk 0.42 above 0.30"),
                new dev.lto.contracts.events.AlertRaised("surrogate_drift", AlertSeverity.WARN, "job_0badf00d",
                        "Surrogate drift detected: 3.2% (threshold: 1.5%)", "Force physics simulation for job class 5", null, null),
                new JobStateChanged("job_0badf00d", JobState.PREFLIGHT, JobState.BLOCKED, 3, Instant.parse("2026-11-26T10:00:03Z"),
                        "profile 'strict' violated", "Resubmit with dose_mj_cm2=32.0: predicted to meet the whole constraint profile"));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void roundTripsThroughJson(Object value) {
        String text = json.writeValueAsString(value);
        assertThat(json.readValue(text, value.getClass())).isEqualTo(value);
    }

    @Test
    void envelopesRoundTripWithTheirPayloadType() {
        var submitted = EventEnvelope.of("job.submitted", "job_0badf00d", "ingestion", new JobSubmitted(params(), Instant.parse("2026-11-26T10:00:00Z"), "farm-1"))
                .withTraceContext(Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        String text = json.writeValueAsString(submitted);
        assertThat(json.readValue(text, new TypeReference<EventEnvelope<JobSubmitted>>() { })).isEqualTo(submitted);

        var changed = EventEnvelope.of("job.state_changed", "job_0badf00d", "intelligence",
                new JobStateChanged("job_0badf00d", JobState.VALIDATING, JobState.PREFLIGHT, 3, Instant.parse("2026-11-26T10:00:00Z"), null));
        assertThat(json.readValue(json.writeValueAsString(changed), new TypeReference<EventEnvelope<JobStateChanged>>() { })).isEqualTo(changed);
        assertThat(json.readTree(text).propertyNames()).contains("event_id", "schema_version", "occurred_at", "trace_context");
    }

    @Test
    void predictionHasTheSeedExampleShape() {
        JsonNode node = json.valueToTree(samples().get(4));
        assertThat(node.propertyNames()).containsExactly(
                "job_id", "parameters", "predictions", "uncertainty", "constraints", "feature_importance", "model_version", "inference_time_ms");
        assertThat(node.at("/predictions/yield_risk").propertyNames()).containsExactly("score", "ci_low", "ci_high");
        assertThat(node.at("/uncertainty").propertyNames()).containsExactly("high_uncertainty", "recommend_physics_simulation", "confidence_level");
        assertThat(node.at("/constraints/all_satisfied").asBoolean()).isTrue();
        assertThat(node.at("/parameters/dose_mj_cm2").asDouble()).isEqualTo(15.2);
    }

    /** The lower-bound flag is optional: absent unless true, and JSON without it still reads. */
    @Test
    void depthOfFocusLowerBoundIsOptional() {
        SimulationOutputs exact = new SimulationOutputs(10.2, 61.9, 0.93, 0.25, 10.2, 10.5, 0.3, 2.1, 0.71, 33.0, 7.5,
                1.4, 1.0e-6, null, 0.0, "annular", 3.0, 1.2);
        String text = json.writeValueAsString(exact);
        assertThat(json.readTree(text).has("depth_of_focus_lower_bound")).isFalse();
        assertThat(json.readValue(text, SimulationOutputs.class)).isEqualTo(exact);
        SimulationOutputs bound = new SimulationOutputs(10.2, 61.9, 0.93, 0.25, 10.2, 10.5, 0.3, 2.1, 0.71, 33.0, 7.5,
                1.4, 1.0e-6, null, 0.0, "annular", 3.0, 1.2, true);
        JsonNode node = json.valueToTree(bound);
        assertThat(node.get("depth_of_focus_lower_bound").asBoolean()).isTrue();
        assertThat(node.get("depth_of_focus_nm").asDouble()).isEqualTo(61.9);
        assertThat(json.readValue(json.writeValueAsString(bound), SimulationOutputs.class)).isEqualTo(bound);
    }

    @Test
    void parametersUseTheSeedFieldNames() {
        JsonNode node = json.valueToTree(params());
        assertThat(node.propertyNames()).containsExactly("job_id", "na", "wavelength_nm", "dose_mj_cm2", "sigma",
                "resist_thickness_nm", "grid_size_nm", "pattern_complexity", "use_ai_surrogate", "job_class", "priority",
                "constraint_profile", "submitted_by", "metadata");
        assertThat(node.get("pattern_complexity").asString()).isEqualTo("COMPLEX");
    }

    @Test
    void minimalJsonTakesDefaults() {
        JobParameters p = json.readValue("{\"na\":0.33,\"dose_mj_cm2\":30}", JobParameters.class);
        assertThat(p).usingRecursiveComparison().ignoringFields("jobId").isEqualTo(JobParameters.of(0.33, 30));
    }

    /** Every JSON name is the snake_case of its Java component, so errors can name fields by rule. */
    @Test
    void jsonNamesAreSnakeCaseOfComponentNames() {
        Stream.of(JobParameters.class, SimulationResult.class, SimulationOutputs.class, TradeoffSignals.class,
                        ComputeStats.class, MetricSnapshot.class, AdapterHealth.class, TradeoffPrediction.class,
                        SignalEstimate.class, SignalPredictions.class, UncertaintyAssessment.class, ConstraintEvaluation.class,
                        ConstraintViolation.class, EventEnvelope.class, JobSubmitted.class, JobStateChanged.class)
                .flatMap(c -> Stream.of(c.getRecordComponents()))
                .forEach(rc -> assertThat(jsonName(rc)).as(rc.getDeclaringRecord().getSimpleName() + "." + rc.getName())
                        .isEqualTo(SnakeCase.of(rc.getName())));
    }

    private static String jsonName(RecordComponent rc) {
        JsonProperty p = rc.getAnnotation(JsonProperty.class);
        if (p == null) {
            try {
                p = rc.getDeclaringRecord().getDeclaredField(rc.getName()).getAnnotation(JsonProperty.class);
            } catch (NoSuchFieldException e) {
                throw new AssertionError(e);
            }
        }
        return p == null ? rc.getName() : p.value();
    }
}
