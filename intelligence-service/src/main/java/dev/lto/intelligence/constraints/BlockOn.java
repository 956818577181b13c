package dev.lto.intelligence.constraints;

/**
 * What it takes for a predicted violation of a blocking limit to block a job at preflight
 * (docs/pipeline.md): {@code CONFIDENT} — the model does not recommend physics, or the whole 95%
 * interval breaks the limit; {@code SCORE} — the predicted score alone.
 */
public enum BlockOn { CONFIDENT, SCORE }
