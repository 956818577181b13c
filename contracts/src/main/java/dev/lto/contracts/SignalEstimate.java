package dev.lto.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One predicted signal with its 95% interval (seed §3.4). All in [0, 1], ciLow ≤ score ≤ ciHigh. */
public record SignalEstimate(double score, @JsonProperty("ci_low") double ciLow, @JsonProperty("ci_high") double ciHigh) {

    public SignalEstimate {
        if (!(ciLow <= score && score <= ciHigh)) {
            throw new IllegalArgumentException("interval [" + ciLow + ", " + ciHigh + "] does not hold score " + score);
        }
    }

    public boolean contains(double actual) {
        return ciLow <= actual && actual <= ciHigh;
    }
}
