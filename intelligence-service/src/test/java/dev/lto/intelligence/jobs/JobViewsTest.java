package dev.lto.intelligence.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.JobState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Kept job views: reused while unchanged, never kept when a change raced the read, forgotten after a commit. */
class JobViewsTest {

    private final AtomicInteger reads = new AtomicInteger();

    private JobView view(String id, JobState state) {
        reads.incrementAndGet();
        return new JobView(id, state, state.isTerminal(), "synthetic", Instant.EPOCH, null, JobParameters.of(0.33, 30),
                List.of(), null, Map.of());
    }

    @Test
    void anUnchangedJobIsReadOnce() {
        JobViews views = new JobViews(100);
        views.view("job_a", () -> view("job_a", JobState.QUEUED));
        assertThat(views.view("job_a", () -> view("job_a", JobState.RUNNING)).state()).isEqualTo(JobState.QUEUED);
        assertThat(reads).hasValue(1);
        views.changed("job_a");
        assertThat(views.view("job_a", () -> view("job_a", JobState.RUNNING)).state()).isEqualTo(JobState.RUNNING);
        assertThat(reads).hasValue(2);
    }

    @Test
    void aViewReadWhileTheJobChangedIsNotKept() {
        JobViews views = new JobViews(100);
        JobView raced = views.view("job_b", () -> {
            JobView old = view("job_b", JobState.QUEUED);
            views.changed("job_b"); // a writer commits while this read is under way
            return old;
        });
        assertThat(raced.state()).isEqualTo(JobState.QUEUED); // this caller gets what it read
        assertThat(views.view("job_b", () -> view("job_b", JobState.RUNNING)).state()).isEqualTo(JobState.RUNNING);
        assertThat(reads).hasValue(2);
    }

    @Test
    void aViewReadBeforeTheWritingTransactionCommittedIsForgottenAtTheCommit() {
        JobViews views = new JobViews(100);
        TransactionSynchronizationManager.initSynchronization();
        try {
            views.changed("job_c"); // the writer's UPDATE, not committed yet
            // A reader on another connection still sees the old row and keeps it...
            views.view("job_c", () -> view("job_c", JobState.QUEUED));
            // ...until the writer's transaction completes.
            for (TransactionSynchronization s : TransactionSynchronizationManager.getSynchronizations()) {
                s.afterCompletion(TransactionSynchronization.STATUS_COMMITTED);
            }
        } finally {
            TransactionSynchronizationManager.clearSynchronization();
        }
        assertThat(views.view("job_c", () -> view("job_c", JobState.RUNNING)).state()).isEqualTo(JobState.RUNNING);
    }

    @Test
    void theCacheStaysWithinItsCapacity() {
        JobViews views = new JobViews(50);
        for (int i = 0; i < 500; i++) {
            String id = "job_" + i;
            views.view(id, () -> view(id, JobState.COMPLETED));
        }
        assertThat(views.size()).isLessThanOrEqualTo(50);
    }
}
