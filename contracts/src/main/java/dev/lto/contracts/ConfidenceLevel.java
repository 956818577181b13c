package dev.lto.contracts;

/** Coarse confidence of a prediction, as in the seed's §3.4 response. */
public enum ConfidenceLevel {
    HIGH, MEDIUM, LOW
}
