package dev.lto.intelligence.jobs;

import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobSubmitted;
import dev.lto.platform.streams.EnvelopeCodec;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** Stream bindings of the jobs feature: {@code jobSubmissions-in-0} from {@code lto.jobs.submitted}. */
@Configuration(proxyBeanMethods = false)
class JobStreams {

    /** Returns normally only once the job's effects are stored; any exception leaves the entry unacknowledged. */
    @Bean
    Consumer<Message<byte[]>> jobSubmissions(EnvelopeCodec codec, JobLifecycle lifecycle) {
        return message -> {
            var envelope = codec.read(message.getPayload(), JobSubmitted.class);
            if (!EventTypes.JOB_SUBMITTED.equals(envelope.type())) {
                throw new IllegalArgumentException("unexpected event type " + envelope.type() + " on the submissions stream");
            }
            lifecycle.accept(envelope);
        };
    }
}
