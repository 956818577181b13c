package dev.lto.intelligence.drift;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code lto.drift.*}: PSI drift monitoring of the serving model (docs/ml.md §12).
 *
 * @param enabled     monitor at all
 * @param lastN       the "last N preflights" window
 * @param day         the time window (the last day)
 * @param maxDay      at most this many preflights of the time window are read (the newest)
 * @param minWindow   below this many values a window gets no verdict (too little power, not too many alarms)
 * @param bins        quantile bins per feature (ML.md: 10)
 * @param falseAlarm  the false-alarm rate per feature and window the threshold is set for
 * @param interval    how often the windows are recomputed
 * @param simulations no-drift windows simulated per (feature reference, window size) for the threshold
 */
@ConfigurationProperties("lto.drift")
record DriftProperties(@DefaultValue("true") boolean enabled,
                       @DefaultValue("500") int lastN,
                       @DefaultValue("24h") Duration day,
                       @DefaultValue("20000") int maxDay,
                       @DefaultValue("100") int minWindow,
                       @DefaultValue("10") int bins,
                       @DefaultValue("0.01") double falseAlarm,
                       @DefaultValue("1m") Duration interval,
                       @DefaultValue("20000") int simulations) {
}
