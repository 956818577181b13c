package dev.lto.action.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.testsupport.MutableClock;
import dev.lto.contracts.JobState;
import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.events.JobStateChanged;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the metric frame reads from the event stream: throughput, GPU reports, notable jobs. */
class PipelineActivityTest {

    static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    final MutableClock clock = new MutableClock(T0);
    final PipelineActivity activity = new PipelineActivity(new SimpleMeterRegistry(), clock);

    @Test
    void jobsPerMinuteCountsJobsThatReachedAnEndInTheLastFiveMinutes() {
        change("job_a", JobState.PREFLIGHT, JobState.BLOCKED, T0.minusSeconds(10));
        change("job_b", JobState.EVALUATING, JobState.COMPLETED, T0.minusSeconds(200));
        change("job_c", JobState.EVALUATING, JobState.ANOMALY_FLAGGED, T0.minusSeconds(299));
        change("job_d", JobState.QUEUED, JobState.RUNNING, T0); // not an end
        change("job_e", JobState.EVALUATING, JobState.COMPLETED, T0.minusSeconds(301)); // outside the window
        assertThat(activity.jobsPerMinute()).isEqualTo(3 / 5.0);
        clock.advance(Duration.ofSeconds(2));
        assertThat(activity.jobsPerMinute()).isEqualTo(2 / 5.0);
        clock.advance(Duration.ofMinutes(5));
        assertThat(activity.jobsPerMinute()).isZero();
    }

    @Test
    void gpuUtilizationIsNullUnlessASimulatorReportedOneRecently() {
        activity.progress(new MetricSnapshot("job_a", T0, "physics", "imaging", 0.5, 1.0, null, null, Map.of()));
        assertThat(activity.gpuUtilization()).isNull();
        activity.progress(new MetricSnapshot("job_b", T0, "culitho", "imaging", 0.5, 1.0, 0.6, null, Map.of()));
        activity.progress(new MetricSnapshot("job_c", T0.minusSeconds(5), "culitho", "imaging", 0.5, 1.0, 0.8, null, Map.of()));
        assertThat(activity.gpuUtilization()).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-9));
        clock.advance(Duration.ofSeconds(31));
        assertThat(activity.gpuUtilization()).isNull();
    }

    @Test
    void recentNotableJobsAreTheLatestBlockedFlaggedOrEscalatedNewestFirst() {
        change("job_a", JobState.PREFLIGHT, JobState.BLOCKED, T0);
        change("job_b", JobState.EVALUATING, JobState.COMPLETED, T0);
        change("job_c", JobState.EVALUATING, JobState.ANOMALY_FLAGGED, T0.plusSeconds(1));
        assertThat(activity.recentNotableJobs()).extracting(PipelineActivity.NotableJob::jobId).containsExactly("job_c", "job_a");
        for (int i = 0; i < 60; i++) {
            change("job_x" + i, JobState.PREFLIGHT, JobState.BLOCKED, T0.plusSeconds(2 + i));
        }
        assertThat(activity.recentNotableJobs()).hasSize(PipelineActivity.RECENT_NOTABLE).first()
                .extracting(PipelineActivity.NotableJob::jobId).isEqualTo("job_x59");
    }

    @Test
    void jobsThatEndedAreCountedNotHeld() {
        PipelineActivity small = new PipelineActivity(new SimpleMeterRegistry(), clock, 100);
        for (int i = 0; i < 1_000; i++) {
            small.jobStateChanged(new JobStateChanged("job_" + i, JobState.QUEUED, JobState.RUNNING, 6, T0, "r"));
            small.jobStateChanged(new JobStateChanged("job_" + i, JobState.EVALUATING, i % 4 == 0
                    ? JobState.FAILED : JobState.COMPLETED, 8, T0, "r"));
        }
        small.jobStateChanged(new JobStateChanged("job_live", JobState.QUEUED, JobState.RUNNING, 6, T0, "r"));
        assertThat(small.jobsByState()).containsExactlyInAnyOrderEntriesOf(
                Map.of(JobState.COMPLETED, 750L, JobState.FAILED, 250L, JobState.RUNNING, 1L));
        assertThat(small.activeJobs()).isEqualTo(1);
        // 1,001 jobs seen; held: the one in flight and the last 100 that ended
        assertThat(small.jobIdsHeld()).isEqualTo(101);
    }

    @Test
    void aLateOlderEventNeverMovesAJobBack() {
        activity.jobStateChanged(new JobStateChanged("job_a", JobState.QUEUED, JobState.RUNNING, 6, T0, "r"));
        activity.jobStateChanged(new JobStateChanged("job_a", JobState.PREFLIGHT, JobState.QUEUED, 5, T0, "late"));
        assertThat(activity.jobsByState()).containsExactlyEntriesOf(Map.of(JobState.RUNNING, 1L));
        activity.jobStateChanged(new JobStateChanged("job_a", JobState.EVALUATING, JobState.COMPLETED, 8, T0, "r"));
        activity.jobStateChanged(new JobStateChanged("job_a", JobState.RUNNING, JobState.EVALUATING, 7, T0, "late"));
        activity.jobStateChanged(new JobStateChanged("job_a", JobState.EVALUATING, JobState.COMPLETED, 8, T0, "again"));
        assertThat(activity.jobsByState()).containsExactlyEntriesOf(Map.of(JobState.COMPLETED, 1L));
        assertThat(activity.activeJobs()).isZero();
    }

    private void change(String job, JobState from, JobState to, Instant at) {
        activity.jobStateChanged(new JobStateChanged(job, from, to, 5, at, "because"));
    }
}
