package dev.lto.intelligence.jobs;

import dev.lto.contracts.JobState;
import dev.lto.intelligence.audit.SurrogateAuditor;
import dev.lto.intelligence.constraints.ConstraintEvaluator;
import dev.lto.intelligence.models.ShadowTrial;
import dev.lto.intelligence.preflight.PredictionStore;
import dev.lto.intelligence.preflight.PreflightDecision;
import dev.lto.intelligence.preflight.PreflightGate;
import dev.lto.simulator.spi.SimulatorAdapters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Optional;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * PREFLIGHT → QUEUED | BLOCKED, QUEUED → RUNNING (only for a result ingested from elsewhere: the
 * dispatcher moves the others), RUNNING → EVALUATING once a result is stored, EVALUATING →
 * COMPLETED | ANOMALY_FLAGGED. Each decision is taken from stored facts, so a restart resumes it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PipelineProperties.class)
class PipelineStages {

    @Bean
    JobStage preflight(PreflightGate gate, PredictionStore predictions, PipelineRepository pipeline, SimulatorAdapters adapters,
                       BlockedComputeEstimate computeEstimate, MeterRegistry meters, PreparedDecisions prepared) {
        Counter computeSaved = Counter.builder("lto.jobs.blocked.compute").baseUnit("seconds")
                .description("Estimated compute time of the jobs the preflight gate blocked (BlockedComputeEstimate)")
                .register(meters);
        return new JobStage() {
            @Override
            public JobState state() {
                return JobState.PREFLIGHT;
            }

            @Override
            public String spanName() {
                return "job.preflight";
            }

            @Override
            public Transition run(JobRecord job) {
                boolean ingested = pipeline.result(job.jobId()).isPresent();
                // The intake predicts before taking the writer lock (PreparedDecisions); an ingested result is not gated.
                Optional<PreflightDecision> decision = prepared.take(job).filter(d -> !ingested)
                        .or(() -> gate.decide(job.parameters(), adapters.find(job.adapterType()).orElse(null), !ingested));
                if (decision.isEmpty()) {
                    return null; // no model yet: wait, the lifecycle retries
                }
                PreflightDecision d = decision.get();
                Runnable countViolations = () -> d.prediction().constraints().violations().forEach(v ->
                        Counter.builder("lto.constraint.violations").description("Constraint violations predicted at preflight")
                                .tag("constraint_type", v.constraint()).tag("severity", v.severity().name())
                                .register(meters).increment());
                if (d.blocked()) {
                    return new Transition(JobState.BLOCKED, d.reason(), () -> {
                        predictions.store(job.jobId(), d);
                        JobLifecycle.afterCommit(countViolations);
                        computeEstimate.seconds(job.adapterType(), job.parameters())
                                .ifPresent(seconds -> JobLifecycle.afterCommit(() -> computeSaved.increment(seconds)));
                    });
                }
                String reason = ingested ? "result already ingested from an external simulator; gate not applied" : d.reason();
                return new Transition(JobState.QUEUED, reason, () -> {
                    predictions.store(job.jobId(), d);
                    JobLifecycle.afterCommit(countViolations);
                    if (!ingested) {
                        pipeline.enqueue(job.jobId(), job.parameters().priority(), Instant.now());
                    }
                });
            }
        };
    }

    @Bean
    JobStage queuedWithIngestedResult(PipelineRepository pipeline) {
        return new JobStage() {
            @Override
            public JobState state() {
                return JobState.QUEUED;
            }

            @Override
            public Transition run(JobRecord job) {
                return pipeline.result(job.jobId())
                        .map(r -> new Transition(JobState.RUNNING, "result ingested from " + r.result().adapterType()
                                + " (" + r.worker() + ")"))
                        .orElse(null);
            }
        };
    }

    @Bean
    JobStage resultArrived(PipelineRepository pipeline) {
        return new JobStage() {
            @Override
            public JobState state() {
                return JobState.RUNNING;
            }

            @Override
            public Transition run(JobRecord job) {
                return pipeline.result(job.jobId())
                        .map(r -> new Transition(JobState.EVALUATING, null,
                                () -> pipeline.recordOutputs(job.jobId(), r.result())))
                        .orElse(null);
            }
        };
    }

    @Bean
    JobStage evaluation(PipelineRepository pipeline, PredictionStore predictions, ConstraintEvaluator constraints,
                        PreflightGate gate, SurrogateAuditor auditor, ShadowTrial shadowTrial, SimulatorAdapters adapters) {
        return new JobStage() {
            @Override
            public JobState state() {
                return JobState.EVALUATING;
            }

            @Override
            public String spanName() {
                return "job.evaluate";
            }

            @Override
            public Transition run(JobRecord job) {
                var result = pipeline.result(job.jobId()).orElseThrow(
                        () -> new IllegalStateException("job " + job.jobId() + " is EVALUATING without a stored result"));
                var decision = predictions.find(job.jobId()).orElseThrow(
                        () -> new IllegalStateException("job " + job.jobId() + " is EVALUATING without a preflight prediction"));
                Evaluation e = Evaluation.of(decision.prediction().predictions(), decision.prediction().modelVersion(),
                        decision.prediction().jobIntervalFactor(), job.parameters().constraintProfile(),
                        result.result().tradeoffSignals(), constraints, gate.blockingSeverities());
                JobState to = e.anomaly() ? JobState.ANOMALY_FLAGGED : JobState.COMPLETED;
                String reason = e.anomaly() ? String.join("; ", e.reasons())
                        : String.format(java.util.Locale.ROOT, "prediction held (every signal within %.2f half-widths,"
                                + " the job-level band; %d of 6 inside their 95%% intervals) and no blocking limit broken",
                                e.jobIntervalFactor(), e.signalsInside());
                return new Transition(to, reason, () -> {
                    pipeline.storeEvaluation(job.jobId(), e);
                    // With the intermediates the next retrain can learn from the job, not only test on it (docs/ml.md §13).
                    var intermediates = adapters.find(result.result().adapterType())
                            .flatMap(a -> a.intermediatesOf(result.result())).orElse(null);
                    pipeline.addToTrainingBuffer(job.jobId(), result.result(), intermediates, e.anomaly());
                    // The shadow's answer is scored the same way; judging it runs after the commit, off this thread.
                    predictions.evaluateShadow(job.jobId(), result.result().tradeoffSignals().toArray());
                    JobLifecycle.afterCommit(shadowTrial::judgeLater);
                    // Picked for a surrogate audit in the same transaction (restart-safe); the audit itself runs later,
                    // on its own thread, and never touches this job (docs/ml.md §14). Ingested results came from
                    // another simulator: re-imaging them on ours would audit the wrong surrogate.
                    if (!"ingest".equals(result.source())) {
                        auditor.enqueue(job.jobId(), result.result().adapterType(), job.parameters());
                    }
                });
            }
        };
    }
}
