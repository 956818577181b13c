package dev.lto.action.alerts;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.AlertSeverity;
import dev.lto.platform.web.FieldProblem;
import dev.lto.platform.web.InvalidRequestException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Alertmanager's webhook (payload version 4) into LTO's alert list. The whole payload is checked
 * before anything is stored: a malformed one is a 400 and changes nothing. Alerts labelled
 * {@code origin=lto} are LTO's own coming back and are skipped (no echo loop). A firing alert is
 * raised (fingerprint {@code alertmanager/<am fingerprint>}, idempotent on fingerprint + startsAt,
 * so Alertmanager's repeat notifications change nothing); a resolved one ends it.
 */
@Component
class AlertmanagerWebhook {

    record Outcome(int imported, int resolved, @JsonProperty("skipped_lto_origin") int skippedLtoOrigin) {
    }

    private record Incoming(String status, String fingerprint, JsonNode labels, JsonNode annotations, Instant startsAt, Instant endsAt) {
    }

    static final int MAX_NAME = 128;
    static final int MAX_LABEL = 1024;
    static final int MAX_ANNOTATION = 4096;

    private final AlertEngine engine;
    private final Clock clock;

    AlertmanagerWebhook(AlertEngine engine, Clock clock) {
        this.engine = engine;
        this.clock = clock;
    }

    Outcome receive(JsonNode body) {
        List<Incoming> alerts = parse(body);
        int imported = 0;
        int resolved = 0;
        int skipped = 0;
        for (Incoming a : alerts) {
            if ("lto".equals(text(a.labels(), "origin"))) {
                skipped++;
                continue;
            }
            String fp = "alertmanager/" + a.fingerprint();
            String key = "am/" + a.fingerprint() + "/" + a.startsAt();
            if (a.status().equals("resolved")) {
                Instant at = a.endsAt() != null && !a.endsAt().isAfter(clock.instant()) ? a.endsAt() : clock.instant();
                if (engine.resolve(key + "/resolved", fp, at).isPresent()) {
                    resolved++;
                }
            } else {
                String name = text(a.labels(), "alertname");
                String type = text(a.labels(), "alert_type") != null ? text(a.labels(), "alert_type") : name;
                String message = first(a.annotations(), "message", "summary", "description");
                if (engine.raise(new AlertSignal(key, fp, severity(text(a.labels(), "severity")), type, text(a.labels(), "job_id"),
                        message != null ? message : name + " (from Alertmanager)", first(a.annotations(), "recommendation", "runbook_url"),
                        AlertSource.ALERTMANAGER, text(a.labels(), "service") != null ? text(a.labels(), "service") : text(a.labels(), "job"),
                        clock.instant())).isPresent()) {
                    imported++;
                }
            }
        }
        return new Outcome(imported, resolved, skipped);
    }

    /** Prometheus conventions (critical, warning, info, page) and LTO's own names. */
    static AlertSeverity severity(String label) {
        if (label == null) {
            return AlertSeverity.WARN;
        }
        return switch (label.toLowerCase(Locale.ROOT)) {
            case "emergency", "page" -> AlertSeverity.EMERGENCY;
            case "critical", "error" -> AlertSeverity.CRITICAL;
            case "info", "none" -> AlertSeverity.INFO;
            default -> AlertSeverity.WARN;
        };
    }

    private List<Incoming> parse(JsonNode body) {
        List<FieldProblem> problems = new ArrayList<>();
        List<Incoming> out = new ArrayList<>();
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException(List.of(new FieldProblem("$", "type", "must be a JSON object", null)));
        }
        JsonNode version = body.get("version");
        if (version == null || !version.isString() || !version.stringValue().equals("4")) {
            problems.add(new FieldProblem("version", "unsupported", "must be \"4\" (Alertmanager webhook payload version 4)",
                    version == null || !version.isValueNode() || version.asString().length() > 64 ? null : version.asString()));
        }
        JsonNode alerts = body.get("alerts");
        if (alerts == null || !alerts.isArray()) {
            problems.add(new FieldProblem("alerts", alerts == null ? "required" : "type", "must be an array of alerts", null));
        } else {
            for (int i = 0; i < alerts.size(); i++) {
                String path = "alerts[" + i + "]";
                JsonNode a = alerts.get(i);
                if (!a.isObject()) {
                    problems.add(new FieldProblem(path, "type", "must be a JSON object", null));
                    continue;
                }
                String status = a.path("status").isString() ? a.get("status").stringValue() : null;
                if (!"firing".equals(status) && !"resolved".equals(status)) {
                    problems.add(new FieldProblem(path + ".status", "enum", "must be firing or resolved", status == null || status.length() > 64 ? null : status));
                }
                JsonNode labels = a.get("labels");
                if (labels == null || !labels.isObject()) {
                    problems.add(new FieldProblem(path + ".labels", "type", "must be an object of label values", null));
                } else {
                    checkTexts(labels, path + ".labels", MAX_LABEL, problems);
                    if (!labels.path("alertname").isString() || labels.get("alertname").stringValue().isBlank()) {
                        problems.add(new FieldProblem(path + ".labels.alertname", "required", "is required", null));
                    }
                }
                JsonNode annotations = a.get("annotations");
                if (annotations != null && !annotations.isNull() && !annotations.isObject()) {
                    problems.add(new FieldProblem(path + ".annotations", "type", "must be an object", null));
                } else if (annotations != null && annotations.isObject()) {
                    checkTexts(annotations, path + ".annotations", MAX_ANNOTATION, problems);
                }
                String fingerprint = a.path("fingerprint").isString() ? a.get("fingerprint").stringValue() : null;
                if (fingerprint == null || fingerprint.isBlank() || fingerprint.length() > 64) {
                    problems.add(new FieldProblem(path + ".fingerprint", "required", "is required (Alertmanager's alert fingerprint)", null));
                }
                Instant startsAt = time(a, "startsAt", path, true, problems);
                Instant endsAt = time(a, "endsAt", path, false, problems);
                out.add(new Incoming(status, fingerprint, labels, annotations, startsAt, endsAt));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        return out;
    }

    /**
     * Label and annotation values are strings (Alertmanager's are), names and values bounded: they become an alert's
     * type, job, service and message, stored and shown. Other fields of the payload are not read, so not checked.
     */
    private static void checkTexts(JsonNode obj, String path, int maxValue, List<FieldProblem> problems) {
        for (var e : obj.properties()) {
            String name = e.getKey().length() > MAX_NAME ? e.getKey().substring(0, MAX_NAME) + "…" : e.getKey();
            if (e.getKey().length() > MAX_NAME) {
                problems.add(new FieldProblem(path + "." + name, "Size", "names must be at most " + MAX_NAME + " characters", null));
            } else if (!e.getValue().isString()) {
                problems.add(new FieldProblem(path + "." + name, e.getValue().isNull() ? "null" : "type", "must be a string", null));
            } else if (e.getValue().stringValue().length() > maxValue) {
                problems.add(new FieldProblem(path + "." + name, "Size", "must be at most " + maxValue + " characters", null));
            }
        }
    }

    private static Instant time(JsonNode alert, String field, String path, boolean required, List<FieldProblem> problems) {
        JsonNode v = alert.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                problems.add(new FieldProblem(path + "." + field, "required", "is required", null));
            }
            return null;
        }
        if (!v.isString() || v.stringValue().length() > 64) {
            problems.add(new FieldProblem(path + "." + field, "type", "must be an RFC 3339 time string", null));
            return null;
        }
        try {
            Instant t = java.time.OffsetDateTime.parse(v.stringValue()).toInstant();
            return t.getEpochSecond() < 0 ? null : t; // Go's zero time (0001-01-01) means "not set"
        } catch (DateTimeParseException e) {
            problems.add(new FieldProblem(path + "." + field, "type", "must be an RFC 3339 time", v.asString()));
            return null;
        }
    }

    private static String text(JsonNode obj, String name) {
        if (obj == null) {
            return null;
        }
        JsonNode v = obj.get(name);
        return v != null && v.isString() && !v.stringValue().isBlank() ? v.stringValue() : null;
    }

    private static String first(JsonNode obj, String... names) {
        for (String n : names) {
            String v = text(obj, n);
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
