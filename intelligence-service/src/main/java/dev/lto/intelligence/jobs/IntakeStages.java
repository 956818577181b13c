package dev.lto.intelligence.jobs;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.JobState;
import dev.lto.intelligence.constraints.ConstraintEvaluator;
import dev.lto.intelligence.models.ModelService;
import dev.lto.simulator.spi.SimulatorAdapters;
import dev.lto.simulator.spi.SimulatorInterface;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** SUBMITTED → VALIDATING → PREFLIGHT | REJECTED. */
@Configuration(proxyBeanMethods = false)
class IntakeStages {

    @Bean
    JobStage startValidation() {
        return new JobStage() {
            @Override
            public JobState state() {
                return JobState.SUBMITTED;
            }

            @Override
            public Transition run(JobRecord job) {
                return new Transition(JobState.VALIDATING, null);
            }
        };
    }

    /**
     * Re-checks the contract (the submissions stream is open to any producer, not only our edge),
     * the constraint profile and the adapter exist (unless the result was ingested from elsewhere), then the adapter's physical checks (a grid too
     * coarse for the pattern's CD, a pitch below the optics' cut-off). Every problem is named.
     */
    @Bean
    JobStage validation(Validator validator, ConstraintEvaluator constraints, SimulatorAdapters adapters,
                        PipelineRepository pipeline, ModelService models) {
        return new JobStage() {
            @Override
            public JobState state() {
                return JobState.VALIDATING;
            }

            @Override
            public String spanName() {
                return "job.validate";
            }

            @Override
            public Transition run(JobRecord job) {
                Set<ConstraintViolation<JobParameters>> violations = validator.validate(job.parameters());
                List<String> problems = new ArrayList<>(violations.stream()
                        .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                        .map(v -> v.getPropertyPath() + " " + v.getMessage())
                        .toList());
                if (problems.isEmpty()) {
                    String profile = job.parameters().constraintProfile();
                    if (constraints.profile(profile).isEmpty()) {
                        problems.add("unknown constraint profile '" + profile + "'; known: " + constraints.profiles());
                    }
                    Optional<SimulatorInterface> adapter = adapters.find(job.adapterType());
                    if (pipeline.result(job.jobId()).isPresent()) {
                        // Simulated elsewhere (ingested): the producing tool need not be one of ours.
                        adapter.ifPresent(a -> problems.addAll(a.physicalProblems(job.parameters())));
                    } else if (adapter.isEmpty()) {
                        problems.add("no simulator adapter '" + job.adapterType() + "'; known: " + adapters.names());
                    } else {
                        problems.addAll(adapter.get().physicalProblems(job.parameters()));
                    }
                }
                // Entering PREFLIGHT while nothing can predict (a fresh data directory before the first model):
                // the history says why the job will wait there, with the bootstrap's ETA.
                return problems.isEmpty() ? new Transition(JobState.PREFLIGHT, models.waitingReason().orElse(null))
                        : new Transition(JobState.REJECTED, String.join("; ", problems));
            }
        };
    }
}
