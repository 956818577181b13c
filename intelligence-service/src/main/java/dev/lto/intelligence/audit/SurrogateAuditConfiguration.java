package dev.lto.intelligence.audit;

import dev.lto.platform.streams.EventPublisher;
import dev.lto.simulator.spi.SimulatorAdapters;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SurrogateAuditProperties.class)
class SurrogateAuditConfiguration {

    /** The queue is drained where jobs complete (the orchestrator), never in model commands. */
    @Bean(initMethod = "start", destroyMethod = "stop")
    SurrogateAuditor surrogateAuditor(SurrogateAuditProperties props, JdbcClient jdbc, JsonMapper json, SimulatorAdapters adapters,
                                      EventPublisher publisher, MeterRegistry meters, ObjectProvider<Clock> clock, TransactionTemplate tx,
                                      @Value("${lto.pipeline.orchestrator:true}") boolean orchestrator,
                                      @Value("${lto.models.command:}") String command) {
        return new SurrogateAuditor(props, new SurrogateAuditStore(jdbc, json), adapters, publisher, meters,
                clock.getIfAvailable(Clock::systemUTC), tx, orchestrator && command.isBlank());
    }
}
