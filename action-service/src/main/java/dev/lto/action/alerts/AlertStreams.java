package dev.lto.action.alerts;

import dev.lto.contracts.events.AlertRaised;
import dev.lto.contracts.events.EventTypes;
import dev.lto.platform.streams.EnvelopeCodec;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.time.Clock;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * {@code alertEvents-in-0}: alerts any service raises on {@code lto.alerts}. A message that is not
 * a valid {@link AlertRaised} envelope throws: the binder redelivers it and, after
 * {@code max-deliveries}, moves it to {@code lto.alerts.dlq} with the error; the consumer goes on.
 */
@Configuration(proxyBeanMethods = false)
class AlertStreams {

    @Bean
    Consumer<Message<byte[]>> alertEvents(EnvelopeCodec codec, Validator validator, AlertEngine engine, Clock clock) {
        return message -> {
            var envelope = codec.read(message.getPayload(), AlertRaised.class);
            if (!EventTypes.ALERT_RAISED.equals(envelope.type())) {
                throw new IllegalArgumentException("lto.alerts carries " + EventTypes.ALERT_RAISED + " events, not " + envelope.type());
            }
            AlertRaised a = envelope.payload();
            Set<ConstraintViolation<AlertRaised>> violations = validator.validate(a);
            if (!violations.isEmpty()) {
                throw new IllegalArgumentException("invalid alert.raised payload: " + violations.stream()
                        .map(v -> v.getPropertyPath() + " " + v.getMessage()).sorted().collect(Collectors.joining("; ")));
            }
            if (a.isResolution()) {
                engine.resolve(envelope.eventId(), "stream/" + a.effectiveFingerprint(), clock.instant());
            } else {
                engine.raise(new AlertSignal(envelope.eventId(), "stream/" + a.effectiveFingerprint(), a.severity(), a.alertType(), a.jobId(),
                        a.message(), a.recommendation(), AlertSource.STREAM, envelope.producer(), clock.instant()));
            }
        };
    }
}
