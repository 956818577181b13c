package dev.lto.intelligence.jobs;

import dev.lto.contracts.JobParameters;
import java.util.OptionalDouble;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The preflight's estimate of the compute time a job would have cost, for the compute a block saved
 * ({@code lto_jobs_blocked_compute_seconds_total}): the mean measured {@code compute_time_s} of the
 * last {@value #WINDOW} simulated jobs of the same adapter, job class and imaging path (surrogate or
 * not); before any such job ran, the same mean over the training campaigns' samples; nothing when
 * neither has one (then the block is counted in {@code lto_jobs_blocked_total} only).
 */
@Component
class BlockedComputeEstimate {

    static final int WINDOW = 200;

    private final JdbcClient jdbc;

    BlockedComputeEstimate(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    OptionalDouble seconds(String adapterType, JobParameters p) {
        Double jobs = jdbc.sql("""
                        SELECT avg(compute_time_s) FROM (SELECT compute_time_s FROM simulation_jobs
                          WHERE compute_time_s IS NOT NULL AND adapter_type = ? AND job_class = ? AND use_ai_surrogate = ?
                          ORDER BY completed_at DESC NULLS LAST LIMIT ?)""")
                .params(adapterType, p.jobClass(), p.useAiSurrogate(), WINDOW).query(Double.class).optional().orElse(null);
        if (jobs != null) {
            return OptionalDouble.of(jobs);
        }
        Double samples = jdbc.sql("""
                        SELECT avg(s.compute_time_s) FROM training_samples s JOIN training_campaigns c USING (campaign_id)
                          WHERE s.compute_time_s IS NOT NULL AND c.adapter_type = ? AND s.job_class = ? AND s.use_ai_surrogate = ?""")
                .params(adapterType, p.jobClass(), p.useAiSurrogate()).query(Double.class).optional().orElse(null);
        return samples == null ? OptionalDouble.empty() : OptionalDouble.of(samples);
    }
}
