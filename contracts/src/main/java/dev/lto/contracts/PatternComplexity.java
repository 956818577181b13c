package dev.lto.contracts;

/** How intricate the mask pattern of a job is; picks the tile from the pattern catalogue. */
public enum PatternComplexity {
    SIMPLE, MODERATE, COMPLEX, EXTREME
}
