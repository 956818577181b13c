package dev.lto.intelligence.models;

import dev.lto.engine.evaluation.ModelMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The serving model's held-out accuracy ({@link ModelMetrics#accuracy()}, measured at training on its
 * test split), exported as {@code lto_model_heldout_accuracy_score}; NaN while only physics-lite serves.
 * Not the seed's {@code lto_model_accuracy_score}: that one is live accuracy on completed jobs
 * (PipelineMonitor, docs/observability.md).
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
}
