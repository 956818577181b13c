package dev.lto.intelligence.models;

import dev.lto.engine.evaluation.ModelMetrics;
import dev.lto.engine.serving.PhysicsLiteEstimates;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToLongFunction;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The serving model's held-out accuracy ({@link ModelMetrics#accuracy()}, measured at training on its
 * test split), exported as {@code lto_model_heldout_accuracy_score}; NaN while only physics-lite serves.
 * Not the seed's {@code lto_model_accuracy_score}: that one is live accuracy on completed jobs
 * (PipelineMonitor, docs/observability.md). Also {@code lto_physics_lite_estimates_total{outcome}}: physics-lite
 * estimates run ({@code computed}), reused for the same parameters ({@code remembered}), and interactive
 * predictions answered by the first stage alone because physics-lite was busy ({@code busy}).
 */
@Configuration(proxyBeanMethods = false)
class ServingModelGauges {

    @Bean
    Gauge heldOutAccuracy(ModelService models, MeterRegistry meters) {
        return Gauge.builder("lto.model.heldout.accuracy.score", models,
                        m -> m.metrics().map(ModelMetrics::accuracy).orElse(Double.NaN))
                .description("Accuracy of the serving model on its held-out test jobs, measured at training")
                .register(meters);
    }

    @Bean
    MeterBinder physicsLiteEstimates(ModelService models) {
        return meters -> {
            counter(meters, models, "computed", PhysicsLiteEstimates.Counts::computed);
            counter(meters, models, "remembered", PhysicsLiteEstimates.Counts::remembered);
            counter(meters, models, "busy", PhysicsLiteEstimates.Counts::busy);
        };
    }

    private static void counter(MeterRegistry meters, ModelService models, String outcome,
                                ToLongFunction<PhysicsLiteEstimates.Counts> count) {
        FunctionCounter.builder("lto.physics.lite.estimates", models, m -> count.applyAsLong(m.engine().liteCounts()))
                .tag("outcome", outcome).description("Physics-lite estimates by outcome").register(meters);
    }
}
