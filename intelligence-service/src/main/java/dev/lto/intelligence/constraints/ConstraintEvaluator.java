package dev.lto.intelligence.constraints;

import dev.lto.contracts.ConstraintEvaluation;
import dev.lto.contracts.ConstraintViolation;
import dev.lto.contracts.SignalEstimate;
import dev.lto.contracts.SignalPredictions;
import dev.lto.contracts.TradeoffSignals;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Evaluates predicted signals against a constraint profile. A limit is violated when the predicted
 * score breaks it; the message says whether the whole 95% interval breaks it too (certain) or the
 * interval straddles the limit (physics would settle it).
 */
@Component
@EnableConfigurationProperties(ConstraintProperties.class)
public class ConstraintEvaluator {

    private final ConstraintProperties props;

    public ConstraintEvaluator(ConstraintProperties props) {
        this.props = props;
    }

    public Set<String> profiles() {
        return props.profiles().keySet();
    }

    public Optional<ConstraintProperties.Profile> profile(String name) {
        return Optional.ofNullable(props.profiles().get(name));
    }

    /** @throws IllegalArgumentException for an unknown profile */
    public ConstraintEvaluation evaluate(String profileName, SignalPredictions predictions) {
        ConstraintProperties.Profile p = profile(profileName).orElseThrow(() -> new IllegalArgumentException(
                "unknown constraint profile '" + profileName + "'; known: " + profiles()));
        SignalEstimate[] est = predictions.toArray();
        List<ConstraintViolation> violations = new ArrayList<>();
        for (ConstraintProperties.Limit l : p.limits()) {
            SignalEstimate e = est[TradeoffSignals.NAMES.indexOf(l.signal())];
            String name = l.name() != null ? l.name() : l.signal() + (l.min() != null ? "_min" : "_max");
            if (l.min() != null && e.score() < l.min()) {
                boolean certain = e.ciHigh() < l.min();
                violations.add(new ConstraintViolation(name, l.signal(), "min", l.min(), e.score(), l.severity(),
                        String.format(Locale.ROOT, "%s predicted %.3f (95%% CI %.3f–%.3f) below the minimum %.3f%s",
                                l.signal(), e.score(), e.ciLow(), e.ciHigh(), l.min(),
                                certain ? "" : "; the interval straddles the limit")));
            }
            if (l.max() != null && e.score() > l.max()) {
                boolean certain = e.ciLow() > l.max();
                violations.add(new ConstraintViolation(name, l.signal(), "max", l.max(), e.score(), l.severity(),
                        String.format(Locale.ROOT, "%s predicted %.3f (95%% CI %.3f–%.3f) above the maximum %.3f%s",
                                l.signal(), e.score(), e.ciLow(), e.ciHigh(), l.max(),
                                certain ? "" : "; the interval straddles the limit")));
            }
        }
        return new ConstraintEvaluation(profileName, violations.isEmpty(), violations);
    }
}
