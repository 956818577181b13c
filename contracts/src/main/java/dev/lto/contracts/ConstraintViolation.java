package dev.lto.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One constraint of a profile that a job breaks: which signal, which bound ({@code min} or
 * {@code max}), the limit and the value found, and how serious it is.
 */
public record ConstraintViolation(
        String constraint,
        String signal,
        String bound,
        double limit,
        double value,
        AlertSeverity severity,
        @JsonProperty("message") String message) {
}
