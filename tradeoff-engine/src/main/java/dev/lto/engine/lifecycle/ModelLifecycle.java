package dev.lto.engine.lifecycle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.engine.EngineApi;
import dev.lto.engine.evaluation.ModelMetrics;
import dev.lto.engine.registry.ModelRegistry;
import dev.lto.engine.registry.ModelStore;
import dev.lto.engine.serving.TradeoffEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Admin actions on the registry (seed §6): promote a registered version when every offline gate it was
 * measured on passed, roll back to the previous production model while it is the rollback candidate
 * ({@code rollbackWindow}, 30 days by default, counted from its retirement), and the registry view with
 * the deployment history. Each change is one reference swap in {@link TradeoffEngine}, recorded with
 * who and why in {@code model_deployments}, and announced (the service publishes the announcement on
 * {@code lto.alerts} at INFO). Refusals change nothing and are not recorded.
 */
@EngineApi
public final class ModelLifecycle {

    /** The model card's file name in a version's artifact directory (written by the model-card command). */
    public static final String CARD_FILE = "model-card.md";

    /** A change worth telling people about: what happened, to which version, in one sentence. */
    public record Announcement(String event, String version, String message) {
    }

    /** One registered version as {@code GET /api/v1/models} lists it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Version(@JsonProperty("version") String version, @JsonProperty("status") String status,
                          @JsonProperty("trained_at") Instant trainedAt, @JsonProperty("deployed_at") Instant deployedAt,
                          @JsonProperty("retired_at") Instant retiredAt,
                          @JsonProperty("training_samples") Integer trainingSamples,
                          @JsonProperty("overall_accuracy") Double overallAccuracy,
                          @JsonProperty("critical_accuracy") Double criticalAccuracy,
                          @JsonProperty("gates_passed") Boolean gatesPassed,
                          @JsonProperty("failed_gates") List<String> failedGates,
                          @JsonProperty("artifact_path") String artifactPath,
                          @JsonProperty("model_card") String modelCard) {
    }

    /** The rollback candidate and until when it stays one. */
    public record Candidate(@JsonProperty("version") String version, @JsonProperty("retired_at") Instant retiredAt,
                            @JsonProperty("until") Instant until) {
    }

    /** What {@code GET /api/v1/models} answers. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RegistryView(@JsonProperty("serving") String serving, @JsonProperty("production") String production,
                               @JsonProperty("rollback_candidate") Candidate rollbackCandidate,
                               @JsonProperty("rollback_window_days") long rollbackWindowDays,
                               @JsonProperty("models") List<Version> models,
                               @JsonProperty("deployments") List<ModelRegistry.Deployment> deployments) {
    }

    private final TradeoffEngine engine;
    private final ModelRegistry registry;
    private final ModelStore store;
    private final Clock clock;
    private final Duration rollbackWindow;
    private final Consumer<Announcement> announce;

    public ModelLifecycle(TradeoffEngine engine, ModelRegistry registry, ModelStore store, Clock clock,
                          Duration rollbackWindow, Consumer<Announcement> announce) {
        if (rollbackWindow.isNegative() || rollbackWindow.isZero()) {
            throw new IllegalArgumentException("the rollback window must be positive, got " + rollbackWindow);
        }
        this.engine = engine;
        this.registry = registry;
        this.store = store;
        this.clock = clock;
        this.rollbackWindow = rollbackWindow;
        this.announce = announce;
    }

    public RegistryView view() {
        List<Version> versions = registry.all().stream().map(this::version).toList();
        return new RegistryView(engine.currentVersion(), registry.production().map(ModelRegistry.Entry::version).orElse(null),
                candidate().orElse(null), rollbackWindow.toDays(), versions, registry.deployments());
    }

    public Optional<Candidate> candidate() {
        return registry.rollbackCandidate(rollbackWindow)
                .map(e -> new Candidate(e.version(), e.retiredAt(), e.retiredAt().plus(rollbackWindow)));
    }

    /**
     * Promotes a registered version that passed every offline gate; 409 ({@link LifecycleConflict})
     * naming the failed gates otherwise, or when it already serves or was discarded.
     */
    public synchronized Version promote(String version, String actor, String reason) {
        ModelRegistry.Entry e = registry.find(version).orElseThrow(() -> new UnknownModelVersion(version));
        if ("production".equals(e.status())) {
            throw new LifecycleConflict(version + " is already in production", Map.of("version", version, "status", e.status()));
        }
        if ("discarded".equals(e.status())) {
            throw new LifecycleConflict(version + " was discarded and cannot be promoted (see its history)",
                    Map.of("version", version, "status", e.status()));
        }
        Optional<ModelMetrics> m = store.metrics(Path.of(e.artifactPath()));
        if (m.isEmpty()) {
            throw new LifecycleConflict(version + " has no measured gates (trained without a test split): it cannot be promoted",
                    Map.of("version", version, "failed_gates", List.of()));
        }
        List<ModelMetrics.Gate> failed = m.get().gates().stream().filter(g -> !g.passed()).toList();
        if (!failed.isEmpty()) {
            throw new LifecycleConflict(version + " failed its gates: " + failed.stream()
                    .map(g -> g.name() + " (" + g.measured() + ", needs " + g.target() + ")").toList(),
                    Map.of("version", version, "failed_gates", failed.stream().map(ModelMetrics.Gate::name).toList()));
        }
        String from = engine.currentVersion();
        engine.promote(version, "production", reason, actor);
        announce.accept(new Announcement("promoted", version, "Model " + version + " promoted to production by " + actor
                + (from == null ? "" : ", replacing " + from) + ": " + reason));
        return version(registry.find(version).orElseThrow());
    }

    /**
     * Serves the rollback candidate again (the serving model retires); 409 when there is none (never a
     * previous production model, or it retired more than the rollback window ago).
     */
    public synchronized Version rollback(String actor, String reason) {
        ModelRegistry.Entry c = registry.rollbackCandidate(rollbackWindow).orElseThrow(() -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("rollback_window_days", rollbackWindow.toDays());
            d.put("now", clock.instant().toString());
            return new LifecycleConflict("no rollback candidate: no model retired from production in the last "
                    + rollbackWindow.toDays() + " days", d);
        });
        String from = engine.currentVersion();
        engine.promote(c.version(), "rollback", reason, actor);
        announce.accept(new Announcement("rolled_back", c.version(), "Model rolled back to " + c.version() + " by " + actor
                + (from == null ? "" : " (" + from + " retired)") + ": " + reason));
        return version(registry.find(c.version()).orElseThrow());
    }

    private Version version(ModelRegistry.Entry e) {
        Path dir = Path.of(e.artifactPath());
        Optional<ModelMetrics> m;
        try {
            m = store.metrics(dir);
        } catch (RuntimeException ex) {
            m = Optional.empty(); // a damaged artifact still lists; promoting it is refused
        }
        Path card = dir.resolve(CARD_FILE);
        return new Version(e.version(), e.status(), e.trainedAt(), e.deployedAt(), e.retiredAt(), e.trainingSamples(),
                e.overallAccuracy(), e.criticalAccuracy(), m.map(ModelMetrics::allGatesPassed).orElse(null),
                m.map(x -> x.gates().stream().filter(g -> !g.passed()).map(ModelMetrics.Gate::name).toList()).orElse(null),
                e.artifactPath(), Files.exists(card) ? card.toString() : null);
    }
}
