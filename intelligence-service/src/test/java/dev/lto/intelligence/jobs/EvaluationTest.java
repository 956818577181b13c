package dev.lto.intelligence.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.contracts.AlertSeverity;
import dev.lto.contracts.SignalEstimate;
import dev.lto.contracts.SignalPredictions;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.intelligence.constraints.ConstraintEvaluator;
import dev.lto.intelligence.constraints.ConstraintProperties;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The job-level anomaly rule: a prediction miss (κ half-widths) and a broken limit are separate reasons. */
class EvaluationTest {

    private final ConstraintEvaluator constraints = new ConstraintEvaluator(new ConstraintProperties(Map.of("p",
            new ConstraintProperties.Profile("test", List.of(
                    new ConstraintProperties.Limit("yield_risk_max", "yield_risk", null, 0.5, AlertSeverity.CRITICAL)), null))));

    /** Every signal predicted 0.5 ± 0.05. */
    private static SignalPredictions predicted() {
        SignalEstimate[] e = new SignalEstimate[6];
        for (int j = 0; j < 6; j++) {
            e[j] = new SignalEstimate(0.5, 0.45, 0.55);
        }
        return SignalPredictions.fromArray(e);
    }

    private Evaluation evaluate(double kappa, double speed, double yield) {
        return Evaluation.of(predicted(), "v", kappa, "p", new TradeoffSignals(speed, 0.5, 0.5, 0.5, yield, 0.5), constraints,
                Set.of(AlertSeverity.CRITICAL));
    }

    @Test
    void aSignalJustOutsideItsIntervalIsNoMissWhenTheJobBandHoldsIt() {
        // speed 1.5 half-widths from its score: outside its 95% interval, inside a job-level band of 2 half-widths.
        Evaluation e = evaluate(2.0, 0.575, 0.5);
        assertThat(e.signals().getFirst().inside()).isFalse();
        assertThat(e.predictionMissed()).isFalse();
        assertThat(e.anomaly()).isFalse();
        assertThat(e.jobScore()).isEqualTo(1.5);
        Evaluation strict = evaluate(1.0, 0.575, 0.5);
        assertThat(strict.predictionMissed()).isTrue();
        assertThat(strict.limitBroken()).isFalse();
        assertThat(strict.reasons()).singleElement().asString().startsWith("prediction missed: speed_vs_accuracy");
    }

    @Test
    void aBrokenLimitIsItsOwnReasonEvenWhenThePredictionHeld() {
        Evaluation e = evaluate(2.0, 0.5, 0.52);
        assertThat(e.predictionMissed()).isFalse();
        assertThat(e.limitBroken()).isTrue();
        assertThat(e.anomaly()).isTrue();
        assertThat(e.reasons()).singleElement().asString().startsWith("limit broken: actual yield_risk 0.520");
    }

    @Test
    void aPredictionWithoutAJobFactorKeepsThePerSignalRule() {
        Evaluation e = Evaluation.of(predicted(), "old", null, "p", new TradeoffSignals(0.56, 0.5, 0.5, 0.5, 0.4, 0.5),
                constraints, Set.of(AlertSeverity.CRITICAL));
        assertThat(e.jobIntervalFactor()).isEqualTo(1);
        assertThat(e.predictionMissed()).isTrue();
    }

    @Test
    void theRoundingOfAStoredScoreIsNoMissButAnyRealDifferenceFromAZeroWidthIntervalIs() {
        // A signal the adapter composes exactly (calibrated half-width 0), its score stored to 4 decimals.
        SignalEstimate[] e = predicted().toArray();
        e[0] = new SignalEstimate(0.0497, 0.0497, 0.0497);
        SignalPredictions p = SignalPredictions.fromArray(e);
        Evaluation rounded = Evaluation.of(p, "v", 1.0, "p", new TradeoffSignals(0.049712, 0.5, 0.5, 0.5, 0.5, 0.5), constraints,
                Set.of(AlertSeverity.CRITICAL));
        assertThat(rounded.predictionMissed()).isFalse();
        assertThat(rounded.anomaly()).isFalse();
        assertThat(rounded.signals().getFirst().inside()).isTrue();
        assertThat(rounded.jobScore()).isZero();
        Evaluation off = Evaluation.of(p, "v", 1.0, "p", new TradeoffSignals(0.0499, 0.5, 0.5, 0.5, 0.5, 0.5), constraints,
                Set.of(AlertSeverity.CRITICAL));
        assertThat(off.predictionMissed()).isTrue();
        assertThat(off.signals().getFirst().inside()).isFalse();
        assertThat(off.reasons()).singleElement().asString().startsWith("prediction missed: speed_vs_accuracy actual 0.050");
    }
}
