package dev.lto.intelligence.jobs;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Recently read job views ({@code GET /api/v1/jobs/{id}}), so that polling a job costs no DuckDB
 * query while it does not change: a status read is three queries, each a table scan in DuckDB
 * (1–4 ms at a few thousand jobs, growing with the tables), and clients poll. Every write that changes
 * what a view shows goes through {@link JobRepository} (inserts, state changes, conflicts; the result's
 * adapter is written in the same transaction as the state change it comes with) and calls
 * {@link #changed}, at once and again after its transaction commits. A read that raced a write never stores what it read: each key's stripe counter moves on
 * every change, and a view is kept only if its stripe did not move while it was read (the check and
 * the store are one atomic step per key, and a change removes the key after moving the counter).
 * This process is the only writer of these tables (DuckDB is single-process), so nothing else can
 * make a kept view stale.
 */
@Component
class JobViews {

    private static final int STRIPES = 1024;

    private final ConcurrentHashMap<String, JobView> views = new ConcurrentHashMap<>();
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private final int capacity;

    JobViews(@Value("${lto.jobs.view-cache-size:20000}") int capacity) {
        this.capacity = capacity;
    }

    /** The kept view, or the one {@code read} builds now (kept unless the job changed meanwhile). */
    JobView view(String jobId, Supplier<JobView> read) {
        JobView kept = views.get(jobId);
        if (kept != null) {
            return kept;
        }
        int stripe = stripe(jobId);
        long before = stripes.get(stripe);
        JobView fresh = read.get();
        if (capacity > 0) {
            views.compute(jobId, (id, old) -> stripes.get(stripe) == before ? fresh : old);
            trim();
        }
        return fresh;
    }

    /** The job's view changed (or will when the current transaction commits): forget it now and after the commit. */
    void changed(String jobId) {
        forget(jobId);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    forget(jobId);
                }
            });
        }
    }

    int size() {
        return views.size();
    }

    private void forget(String jobId) {
        stripes.incrementAndGet(stripe(jobId));
        views.remove(jobId);
    }

    private void trim() {
        // Over capacity: drop arbitrary entries (iteration order) until a tenth below; a dropped view is read again.
        if (views.size() > capacity) {
            Iterator<String> it = views.keySet().iterator();
            for (int n = views.size() - capacity * 9 / 10; n > 0 && it.hasNext(); n--) {
                it.next();
                it.remove();
            }
        }
    }

    private static int stripe(String jobId) {
        return Math.floorMod(jobId.hashCode(), STRIPES);
    }
}
