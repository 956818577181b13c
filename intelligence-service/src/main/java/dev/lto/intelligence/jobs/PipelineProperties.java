package dev.lto.intelligence.jobs;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code lto.pipeline.*}: scheduling and failure handling of the job pipeline (docs/pipeline.md).
 *
 * @param retries          a failed simulation is retried this many times before the job FAILS
 * @param retryDelay       how long a failed job waits in QUEUED before its next attempt
 * @param runTimeout       a RUNNING job with no result after this long counts as a failed attempt
 * @param agingPerRank     waiting this long in QUEUED is worth one priority rank (lower ranks are never starved)
 * @param cpuSlots         simulation slots of all CPU workers together (the dispatcher keeps at most this many CPU jobs RUNNING)
 * @param gpuSlots         the same for GPU workers (4 per GPU: the seed's 0.25 GPU per job); 0 = no GPU pool
 */
@ConfigurationProperties("lto.pipeline")
record PipelineProperties(
        @DefaultValue("2") int retries,
        @DefaultValue("30s") Duration retryDelay,
        @DefaultValue("10m") Duration runTimeout,
        @DefaultValue("60s") Duration agingPerRank,
        @DefaultValue("2") int cpuSlots,
        @DefaultValue("0") int gpuSlots) {

    PipelineProperties {
        if (retries < 0 || cpuSlots < 0 || gpuSlots < 0 || cpuSlots + gpuSlots == 0) {
            throw new IllegalArgumentException("lto.pipeline: retries, cpu-slots and gpu-slots must be ≥ 0 and some slot must exist");
        }
    }

    /**
     * The jobs a pool takes, by their surrogate switch: full-Abbe jobs (no surrogate) go to GPUs when
     * a GPU pool exists, surrogate jobs to CPUs when a CPU pool exists; with one pool it takes every
     * job (null).
     */
    Boolean surrogateJobsOf(String deviceClass) {
        if (gpuSlots == 0 || cpuSlots == 0) {
            return null;
        }
        return "cpu".equals(deviceClass);
    }

    int slots(String deviceClass) {
        return "gpu".equals(deviceClass) ? gpuSlots : cpuSlots;
    }
}
