package dev.lto.intelligence.preflight;

import dev.lto.contracts.AlertSeverity;
import dev.lto.intelligence.constraints.BlockOn;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code lto.preflight.*}: which violated-constraint severities block a job, and how many
 * alternative parameter sets the gate offers and searches.
 *
 * @param blockingSeverities a predicted violation of one of these severities blocks the job; others are recorded
 * @param blockOn            {@code CONFIDENT} (default): a blocking violation blocks when the model is confident
 *                           (no physics recommended) or the whole 95% interval breaks the limit; an uncertain
 *                           prediction that merely straddles it lets the job run and the simulation decide.
 *                           {@code SCORE}: the predicted score alone decides.
 * @param alternatives       at most this many alternatives are offered (closest first)
 * @param candidates         parameter sets the search asks the engine about per blocked job (one batch)
 * @param minSeparation      two offered alternatives differ by at least this normalised distance
 */
@ConfigurationProperties("lto.preflight")
record PreflightProperties(
        @DefaultValue({"CRITICAL", "EMERGENCY"}) Set<AlertSeverity> blockingSeverities,
        @DefaultValue("CONFIDENT") BlockOn blockOn,
        @DefaultValue("3") int alternatives,
        @DefaultValue("240") int candidates,
        @DefaultValue("0.05") double minSeparation) {
}
