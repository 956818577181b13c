package dev.lto.platform.web;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One thing wrong with one field of a request: its JSON path ({@code dose_mj_cm2},
 * {@code parameters.na}), the constraint it breaks ({@code type}, {@code required},
 * {@code unknown}, {@code DecimalMax}…), a sentence, and the rejected value when it is printable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldProblem(String field, String constraint, String message, Object rejected) {
}
