package dev.lto.intelligence.models;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The shadow phase (docs/ml.md §13), prefix {@code lto.models.shadow}.
 *
 * @param minJobs      evaluated jobs the shadow candidate needs before it is judged (seed §6: ≥ 200); an
 *                     extension adds as many again
 * @param syncInterval how often the service looks for a new shadow candidate in the registry (a retrain run
 *                     that ends in shadow is predicting beside production within this long)
 */
@ConfigurationProperties("lto.models.shadow")
public record ShadowProperties(@DefaultValue("200") int minJobs, @DefaultValue("30s") Duration syncInterval) {

    public ShadowProperties {
        if (minJobs < 1) {
            throw new IllegalArgumentException("lto.models.shadow.min-jobs must be at least 1, got " + minJobs);
        }
        if (syncInterval.isNegative() || syncInterval.isZero()) {
            throw new IllegalArgumentException("lto.models.shadow.sync-interval must be positive, got " + syncInterval);
        }
    }
}
