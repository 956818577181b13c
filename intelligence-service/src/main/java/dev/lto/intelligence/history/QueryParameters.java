package dev.lto.intelligence.history;

import dev.lto.contracts.JobState;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.platform.web.FieldProblem;
import dev.lto.platform.web.InvalidRequestException;
import dev.lto.platform.web.StrictRecordReader;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.util.MultiValueMap;

/**
 * Strict reading of query parameters, in the style of the request bodies: unknown parameters are
 * rejected (a typo such as {@code stat=} must not silently widen a query), and every problem is
 * collected so one 400 problem names them all ({@code field} is the parameter name).
 */
final class QueryParameters {

    /** Every value is bounded (the longest real one, a cursor, is about 100 characters). */
    static final int MAX_VALUE = StrictRecordReader.MAX_TEXT;
    private static final Pattern BUCKET = Pattern.compile("([1-9][0-9]{0,5})([mhd])");
    private static final List<String> STATE_NAMES = Arrays.stream(JobState.values()).map(Enum::name).toList();

    private final MultiValueMap<String, String> params;
    private final List<FieldProblem> problems = new ArrayList<>();

    QueryParameters(MultiValueMap<String, String> params, Set<String> known) {
        this.params = params;
        for (String name : params.keySet()) {
            if (!known.contains(name)) {
                problems.add(new FieldProblem(name.length() > MAX_VALUE ? name.substring(0, MAX_VALUE) + "…" : name, "unknown",
                        "is not a parameter of this query; known: " + known.stream().sorted().toList(), null));
            } else if (params.get(name).stream().anyMatch(v -> v != null && v.length() > MAX_VALUE)) {
                problems.add(new FieldProblem(name, "Size", "must be at most " + MAX_VALUE + " characters", null));
            }
        }
    }

    /** The one value of a single-valued parameter, or null when absent (a repeated one is a problem). */
    private String single(String name) {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            problems.add(new FieldProblem(name, "type", "must be given at most once", String.join(",", values)));
            return null;
        }
        return values.getFirst();
    }

    /** An ISO-8601 instant with a zone or offset ({@code 2026-11-26T10:00:00Z}, {@code ...+01:00}). */
    Instant instant(String name) {
        String v = single(name);
        if (v == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            problems.add(new FieldProblem(name, "type",
                    "must be an ISO-8601 instant with offset, e.g. 2026-11-26T10:00:00Z (encode '+' as %2B)", v));
            return null;
        }
    }

    Integer integer(String name, int min, int max, Integer fallback) {
        String v = single(name);
        if (v == null) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            problems.add(new FieldProblem(name, "type", "must be a whole number", v));
            return fallback;
        }
        if (value < min || value > max) {
            problems.add(new FieldProblem(name, "Range", "must be between " + min + " and " + max, value));
            return fallback;
        }
        return value;
    }

    String text(String name) {
        String v = single(name);
        if (v != null && v.isBlank()) {
            problems.add(new FieldProblem(name, "NotBlank", "must not be blank", v));
            return null;
        }
        return v;
    }

    /** Repeatable and comma-separated JobState names, case-insensitive; empty when absent. */
    List<JobState> states(String name) {
        LinkedHashSet<JobState> states = new LinkedHashSet<>();
        for (String item : items(name)) {
            String upper = item.toUpperCase(Locale.ROOT);
            if (STATE_NAMES.contains(upper)) {
                states.add(JobState.valueOf(upper));
            } else {
                problems.add(new FieldProblem(name, "enum", "must be JobState names among " + STATE_NAMES, item));
            }
        }
        return List.copyOf(states);
    }

    /** Repeatable and comma-separated signal names; all six (contract order) when absent. */
    List<String> signals(String name) {
        LinkedHashSet<String> signals = new LinkedHashSet<>();
        for (String item : items(name)) {
            String lower = item.toLowerCase(Locale.ROOT);
            if (TradeoffSignals.NAMES.contains(lower)) {
                signals.add(lower);
            } else {
                problems.add(new FieldProblem(name, "enum", "must be signal names among " + TradeoffSignals.NAMES, item));
            }
        }
        return signals.isEmpty() ? TradeoffSignals.NAMES : List.copyOf(signals);
    }

    /** A bucket width: a count and a unit, {@code m} (minutes), {@code h} or {@code d}: {@code 15m}, {@code 1h}, {@code 1d}. */
    Duration bucket(String name, Duration fallback) {
        String v = single(name);
        if (v == null) {
            return fallback;
        }
        Matcher m = BUCKET.matcher(v.strip());
        if (!m.matches()) {
            problems.add(new FieldProblem(name, "Pattern", "must be a count and a unit m, h or d, e.g. 15m, 1h, 1d", v));
            return fallback;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    String raw(String name) {
        return single(name);
    }

    void problem(FieldProblem problem) {
        problems.add(problem);
    }

    /** @throws InvalidRequestException naming every problem found so far */
    void throwIfInvalid() {
        if (!problems.isEmpty()) {
            List<FieldProblem> sorted = new ArrayList<>(problems);
            sorted.sort((a, b) -> a.field().compareTo(b.field()));
            throw new InvalidRequestException(sorted);
        }
    }

    private List<String> items(String name) {
        List<String> values = params.get(name);
        if (values == null) {
            return List.of();
        }
        List<String> items = new ArrayList<>();
        for (String v : values) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    items.add(part.strip());
                }
            }
        }
        return items;
    }
}
