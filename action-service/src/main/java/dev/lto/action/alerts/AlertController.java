package dev.lto.action.alerts;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.AlertSeverity;
import dev.lto.platform.web.FieldProblem;
import dev.lto.platform.web.Ids;
import dev.lto.platform.web.InvalidRequestException;
import dev.lto.platform.web.NotFoundException;
import dev.lto.platform.web.StrictRecordReader;
import dev.lto.security.Caller;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/alerts}: the active list, history, one alert, acknowledgement, feedback, and
 * Alertmanager's webhook. Bodies are read strictly (unknown fields and wrong types are 400s naming
 * the field); unknown query parameters are 400s too.
 */
@RestController
@RequestMapping(path = "/api/v1/alerts", produces = MediaType.APPLICATION_JSON_VALUE)
class AlertController {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    /**
     * {@code POST /{id}/ack}: why (optional). {@code acknowledged_by} is accepted for older clients, but the
     * acknowledger recorded is the API key's owner (docs/security.md); only with auth off does the field count.
     */
    record AckRequest(
            @JsonProperty("acknowledged_by") @Size(max = 128) String acknowledgedBy,
            @Size(max = 2000) String note) {
    }

    /** {@code POST /{id}/feedback}: was the alert worth acting on. */
    record FeedbackRequest(@JsonProperty("was_actionable") @NotNull Boolean wasActionable) {
    }

    record ActiveList(int count, List<AlertView> alerts) {
    }

    record HistoryPage(List<AlertView> items, @JsonProperty("next_cursor") String nextCursor, Map<String, String> links) {
    }

    private final AlertEngine engine;
    private final AlertHistory history;
    private final AlertmanagerWebhook webhook;
    private final StrictRecordReader reader;

    AlertController(AlertEngine engine, AlertHistory history, AlertmanagerWebhook webhook, StrictRecordReader reader) {
        this.engine = engine;
        this.history = history;
        this.webhook = webhook;
        this.reader = reader;
    }

    /** Open, unacknowledged alerts, newest first. {@code severity} and {@code type}: repeatable or comma-separated. */
    @GetMapping("/active")
    ActiveList active(@RequestParam MultiValueMap<String, String> params) {
        List<FieldProblem> problems = new ArrayList<>();
        unknownParams(params, Set.of("severity", "type"), problems);
        Set<AlertSeverity> severities = severities(params, problems);
        Set<String> types = values(params, "type");
        throwIf(problems);
        List<AlertView> alerts = engine.active(severities, types).stream().map(AlertView::of).toList();
        return new ActiveList(alerts.size(), alerts);
    }

    /** Every alert, newest fired first; filters severity, type, job_id, from/to (on fired_at); cursor paging. */
    @GetMapping("/history")
    HistoryPage history(@RequestParam MultiValueMap<String, String> params) {
        List<FieldProblem> problems = new ArrayList<>();
        unknownParams(params, Set.of("severity", "type", "job_id", "from", "to", "limit", "cursor"), problems);
        Set<AlertSeverity> severities = severities(params, problems);
        Instant from = instant(params, "from", problems);
        Instant to = instant(params, "to", problems);
        if (from != null && to != null && !from.isBefore(to)) {
            problems.add(new FieldProblem("to", "range", "must be after from", params.getFirst("to")));
        }
        int limit = DEFAULT_LIMIT;
        String limitText = params.getFirst("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
                if (limit < 1 || limit > MAX_LIMIT) {
                    problems.add(new FieldProblem("limit", "range", "must be between 1 and " + MAX_LIMIT, limitText));
                }
            } catch (NumberFormatException e) {
                problems.add(new FieldProblem("limit", "type", "must be a whole number", limitText));
            }
        }
        AlertHistory.Cursor after = null;
        String cursorText = params.getFirst("cursor");
        if (cursorText != null) {
            try {
                after = AlertHistory.Cursor.decode(cursorText);
            } catch (IllegalArgumentException e) {
                problems.add(new FieldProblem("cursor", "invalid", e.getMessage() + "; use next_cursor of a previous page", cursorText));
            }
        }
        String jobId = params.getFirst("job_id");
        if (jobId != null && jobId.length() <= StrictRecordReader.MAX_TEXT) {
            FieldProblem bad = Ids.problem("job_id", jobId);
            if (bad != null) {
                problems.add(bad);
            }
        }
        throwIf(problems);
        var filter = new AlertHistory.Filter(severities, values(params, "type"), params.getFirst("job_id"), from, to);
        List<Alert> rows = history.page(filter, after, limit + 1);
        boolean more = rows.size() > limit;
        List<Alert> shown = more ? rows.subList(0, limit) : rows;
        String next = more ? new AlertHistory.Cursor(shown.getLast().firedAt(), shown.getLast().alertId()).encode() : null;
        Map<String, String> links = new LinkedHashMap<>();
        if (next != null) {
            var nextParams = new org.springframework.util.LinkedMultiValueMap<>(params);
            nextParams.set("cursor", next);
            links.put("next", org.springframework.web.util.UriComponentsBuilder.fromPath("/api/v1/alerts/history")
                    .queryParams(nextParams).build().encode().toUriString());
        }
        return new HistoryPage(shown.stream().map(AlertView::of).toList(), next, links);
    }

    @GetMapping("/{alertId}")
    AlertView one(@PathVariable String alertId) {
        Ids.require("alert_id", alertId);
        return engine.find(alertId).map(AlertView::of).orElseThrow(() -> new NotFoundException("no alert " + alertId));
    }

    /** 404 for an unknown id; 409 with the current state when already acknowledged or resolved. */
    @PostMapping(path = "/{alertId}/ack", consumes = MediaType.APPLICATION_JSON_VALUE)
    AlertView acknowledge(@PathVariable String alertId, @RequestBody JsonNode body) {
        Ids.require("alert_id", alertId);
        AckRequest r = reader.read(body, AckRequest.class);
        String by = Caller.actingAs(r.acknowledgedBy());
        if (by == null || by.isBlank()) {
            throw new InvalidRequestException(List.of(new FieldProblem("acknowledged_by", "NotBlank", "is required when auth is off", by)));
        }
        return AlertView.of(engine.acknowledge(alertId, by, r.note()));
    }

    @PostMapping(path = "/{alertId}/feedback", consumes = MediaType.APPLICATION_JSON_VALUE)
    AlertView feedback(@PathVariable String alertId, @RequestBody JsonNode body) {
        Ids.require("alert_id", alertId);
        FeedbackRequest r = reader.read(body, FeedbackRequest.class);
        return AlertView.of(engine.feedback(alertId, r.wasActionable()));
    }

    /** Alertmanager's webhook (payload version 4): alerts routed to LTO, e.g. from Prometheus rules. */
    @PostMapping(path = "/alertmanager", consumes = MediaType.APPLICATION_JSON_VALUE)
    AlertmanagerWebhook.Outcome alertmanager(@RequestBody JsonNode body) {
        return webhook.receive(body);
    }

    /** Unknown parameters, and values over {@link StrictRecordReader#MAX_TEXT} characters, are problems. */
    private static void unknownParams(MultiValueMap<String, String> params, Set<String> known, List<FieldProblem> problems) {
        params.keySet().stream().filter(k -> !known.contains(k)).sorted().forEach(k ->
                problems.add(new FieldProblem(k.length() > 64 ? k.substring(0, 64) + "…" : k, "unknown",
                        "is not a parameter here; known: " + known.stream().sorted().toList(), null)));
        params.forEach((k, values) -> {
            if (known.contains(k) && values.stream().anyMatch(v -> v != null && v.length() > StrictRecordReader.MAX_TEXT)) {
                problems.add(new FieldProblem(k, "Size", "must be at most " + StrictRecordReader.MAX_TEXT + " characters", null));
            }
        });
    }

    private static Set<String> values(MultiValueMap<String, String> params, String name) {
        Set<String> out = new LinkedHashSet<>();
        for (String v : params.getOrDefault(name, List.of())) {
            Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
        }
        return out;
    }

    private static Set<AlertSeverity> severities(MultiValueMap<String, String> params, List<FieldProblem> problems) {
        Set<AlertSeverity> out = new LinkedHashSet<>();
        for (String v : values(params, "severity")) {
            try {
                out.add(AlertSeverity.valueOf(v.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                problems.add(new FieldProblem("severity", "enum", "must be one of " + Arrays.toString(AlertSeverity.values()), v));
            }
        }
        return out;
    }

    private static Instant instant(MultiValueMap<String, String> params, String name, List<FieldProblem> problems) {
        String v = params.getFirst(name);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            problems.add(new FieldProblem(name, "type", "must be an ISO-8601 instant, e.g. 2026-12-03T10:00:00Z", v));
            return null;
        }
    }

    private static void throwIf(List<FieldProblem> problems) {
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
    }
}
