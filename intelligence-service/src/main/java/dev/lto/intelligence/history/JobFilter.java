package dev.lto.intelligence.history;

import dev.lto.contracts.JobState;
import dev.lto.intelligence.storage.StoredTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which jobs a history or trend query covers: {@code submitted_at} in [{@code from}, {@code to}),
 * and, when set, one job class, one adapter type and any of {@code states}. Nulls mean "any".
 */
record JobFilter(Instant from, Instant to, Integer jobClass, String adapterType, List<JobState> states) {

    JobFilter {
        states = states == null ? List.of() : List.copyOf(states);
    }

    JobFilter withStates(List<JobState> replacement) {
        return new JobFilter(from, to, jobClass, adapterType, replacement);
    }

    JobFilter withWindow(Instant newFrom, Instant newTo) {
        return new JobFilter(newFrom, newTo, jobClass, adapterType, states);
    }

    /** A SQL condition over {@code simulation_jobs} and its positional parameters, appended to {@code args}. */
    String where(List<Object> args) {
        List<String> terms = new ArrayList<>();
        if (from != null) {
            terms.add("submitted_at >= ?");
            args.add(StoredTime.utc(from));
        }
        if (to != null) {
            terms.add("submitted_at < ?");
            args.add(StoredTime.utc(to));
        }
        if (jobClass != null) {
            terms.add("job_class = ?");
            args.add(jobClass);
        }
        if (adapterType != null) {
            terms.add("adapter_type = ?");
            args.add(adapterType);
        }
        if (!states.isEmpty()) {
            terms.add("status IN (" + String.join(", ", states.stream().map(s -> "?").toList()) + ")");
            states.forEach(s -> args.add(s.name()));
        }
        return terms.isEmpty() ? "true" : String.join(" AND ", terms);
    }
}
