package dev.lto.intelligence.history;

import dev.lto.contracts.JobState;
import dev.lto.intelligence.ingest.WaferYields;
import dev.lto.platform.web.FieldProblem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.MediaType;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * {@code GET /api/v1/tradeoffs/history}: stored jobs, newest first, filtered and paged by cursor.
 * {@code GET /api/v1/tradeoffs/trends}: per signal, time-bucketed statistics and a direction.
 * Filters are shared: {@code from}/{@code to} on {@code submitted_at} (from inclusive, to exclusive),
 * {@code job_class}, {@code adapter_type}, {@code state} (repeatable or comma-separated).
 */
@RestController
@ConditionalOnWebApplication
@RequestMapping(path = "/api/v1/tradeoffs", produces = MediaType.APPLICATION_JSON_VALUE)
class HistoryController {

    private static final Set<String> FILTERS = Set.of("from", "to", "job_class", "adapter_type", "state");
    private static final Set<String> HISTORY_PARAMS = union(FILTERS, Set.of("limit", "cursor"));
    private static final Set<String> TREND_PARAMS = union(FILTERS, Set.of("bucket", "signal"));
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    static final int DEFAULT_TREND_BUCKETS = 30;

    private final HistoryRepository repository;
    private final Trends trends;
    private final WaferYields yields;
    private final int maxBuckets;

    HistoryController(HistoryRepository repository, Trends trends, WaferYields yields,
                      @Value("${lto.history.trends.max-buckets:1000}") int maxBuckets) {
        this.repository = repository;
        this.trends = trends;
        this.yields = yields;
        this.maxBuckets = maxBuckets;
    }

    @GetMapping("/history")
    HistoryViews.Page history(@RequestParam MultiValueMap<String, String> params) {
        QueryParameters q = new QueryParameters(params, HISTORY_PARAMS);
        JobFilter filter = filter(q);
        int limit = q.integer("limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
        Cursor after = null;
        String cursorText = q.raw("cursor");
        if (cursorText != null) {
            try {
                after = Cursor.decode(cursorText);
            } catch (IllegalArgumentException e) {
                q.problem(new FieldProblem("cursor", "invalid", e.getMessage() + "; use next_cursor of a previous page", cursorText));
            }
        }
        q.throwIfInvalid();

        // One row more than asked tells whether a next page exists without a second query.
        List<HistoryRepository.JobRow> rows = repository.page(filter, after, limit + 1);
        boolean more = rows.size() > limit;
        List<HistoryRepository.JobRow> shown = more ? rows.subList(0, limit) : rows;
        var measured = yields.latestFor(shown.stream().map(HistoryRepository.JobRow::jobId).toList());
        List<HistoryViews.Item> items = shown.stream().map(r -> new HistoryViews.Item(r.jobId(), r.state(), r.submittedAt(),
                r.completedAt(), r.jobClass(), r.adapterType(), r.submittedBy(), r.parameters(), r.signals(),
                measured.get(r.jobId()), Map.of("self", "/api/v1/jobs/" + r.jobId()))).toList();
        String next = more ? new Cursor(shown.getLast().submittedAt(), shown.getLast().jobId()).encode() : null;
        Map<String, String> links = next == null
                ? Map.of("self", historyLink(filter, limit, cursorText))
                : Map.of("self", historyLink(filter, limit, cursorText), "next", historyLink(filter, limit, next));
        return new HistoryViews.Page(items, items.size(), repository.count(filter), limit, next, links);
    }

    @GetMapping("/trends")
    HistoryViews.TrendReport trends(@RequestParam MultiValueMap<String, String> params) {
        QueryParameters q = new QueryParameters(params, TREND_PARAMS);
        JobFilter filter = filter(q);
        String bucketText = params.getFirst("bucket") == null ? "1d" : params.getFirst("bucket").strip();
        Duration bucket = q.bucket("bucket", Duration.ofDays(1));
        List<String> signals = q.signals("signal");
        q.throwIfInvalid();

        Instant to = Trends.alignUp(filter.to() == null ? Instant.now() : filter.to(), bucket);
        Instant from = filter.from() == null ? to.minus(bucket.multipliedBy(DEFAULT_TREND_BUCKETS)) : Trends.alignDown(filter.from(), bucket);
        // Seconds, not nanoseconds: a window of centuries must be a 400, not an overflow.
        long count = Duration.between(from, to).toSeconds() / Math.max(1, bucket.toSeconds());
        if (count < 1) {
            q.problem(new FieldProblem("from", "range", "must be before to (" + to + ")", from.toString()));
            q.throwIfInvalid();
        }
        if (count > maxBuckets) {
            q.problem(new FieldProblem("bucket", "Max", "from " + from + " to " + to + " in buckets of " + bucketText + " is "
                    + count + " buckets; at most " + maxBuckets + ": widen the bucket or narrow from/to", bucketText));
            q.throwIfInvalid();
        }
        return trends.report(filter.withWindow(from, to), bucket, bucketText, signals);
    }

    private static JobFilter filter(QueryParameters q) {
        Instant from = q.instant("from");
        Instant to = q.instant("to");
        Integer jobClass = q.integer("job_class", 1, 20, null);
        String adapter = q.text("adapter_type");
        List<JobState> states = q.states("state");
        if (from != null && to != null && !to.isAfter(from)) {
            q.problem(new FieldProblem("to", "range", "must be after from (" + from + ")", to.toString()));
        }
        return new JobFilter(from, to, jobClass, adapter, states);
    }

    private static String historyLink(JobFilter f, int limit, String cursor) {
        var uri = UriComponentsBuilder.fromPath("/api/v1/tradeoffs/history");
        if (f.from() != null) {
            uri.queryParam("from", f.from());
        }
        if (f.to() != null) {
            uri.queryParam("to", f.to());
        }
        if (f.jobClass() != null) {
            uri.queryParam("job_class", f.jobClass());
        }
        if (f.adapterType() != null) {
            uri.queryParam("adapter_type", f.adapterType());
        }
        if (!f.states().isEmpty()) {
            uri.queryParam("state", f.states().stream().map(Enum::name).collect(Collectors.joining(",")));
        }
        uri.queryParam("limit", limit);
        if (cursor != null) {
            uri.queryParam("cursor", cursor);
        }
        return uri.encode().build().toUriString();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).collect(Collectors.toUnmodifiableSet());
    }
}
