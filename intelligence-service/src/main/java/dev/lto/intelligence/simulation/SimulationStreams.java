package dev.lto.intelligence.simulation;

import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * The worker's bindings: {@code cpuSimulations-in-0} ← {@code lto.sim.requests.cpu} and
 * {@code gpuSimulations-in-0} ← {@code lto.sim.requests.gpu}, consumer group {@code sim-workers};
 * the binding's {@code concurrency} is the worker's slot count for that device class.
 */
@Configuration(proxyBeanMethods = false)
class SimulationStreams {

    @Bean
    Consumer<Message<byte[]>> cpuSimulations(SimulationWorker worker) {
        return message -> worker.handle(message.getPayload(), "cpu");
    }

    @Bean
    Consumer<Message<byte[]>> gpuSimulations(SimulationWorker worker) {
        return message -> worker.handle(message.getPayload(), "gpu");
    }
}
