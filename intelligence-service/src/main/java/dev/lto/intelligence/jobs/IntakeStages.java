package dev.lto.intelligence.jobs;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.JobState;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The stages that exist today: SUBMITTED → VALIDATING → PREFLIGHT | REJECTED. */
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
     * Re-checks the contract: the submissions stream is open to any producer, not only our edge.
     * Physical checks (grid vs CD, pattern vs optical cutoff) join here with the pipeline stages.
     */
    @Bean
    JobStage validation(Validator validator) {
        return new JobStage() {
            @Override
            public JobState state() {
                return JobState.VALIDATING;
            }

            @Override
            public Transition run(JobRecord job) {
                Set<ConstraintViolation<JobParameters>> violations = validator.validate(job.parameters());
                if (violations.isEmpty()) {
                    return new Transition(JobState.PREFLIGHT, null);
                }
                String reason = violations.stream()
                        .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                        .map(v -> v.getPropertyPath() + " " + v.getMessage())
                        .collect(Collectors.joining("; "));
                return new Transition(JobState.REJECTED, reason);
            }
        };
    }
}
