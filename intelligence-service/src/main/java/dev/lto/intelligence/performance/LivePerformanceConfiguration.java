package dev.lto.intelligence.performance;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** The live-performance store, and its refresh where the pipeline evaluates jobs (rebuilt at start, then every monitoring round). */
@Configuration(proxyBeanMethods = false)
class LivePerformanceConfiguration {

    @Bean
    LiveObservations liveObservations(JdbcClient jdbc, JsonMapper json) {
        return new LiveObservations(jdbc, json);
    }

    @Bean
    LivePerformanceStore livePerformanceStore(JdbcClient jdbc, LiveObservations observations, ObjectProvider<Clock> clock) {
        return new LivePerformanceStore(jdbc, observations, clock.getIfAvailable(Clock::systemUTC));
    }

    @Component
    @ConditionalOnProperty(name = "lto.pipeline.orchestrator", havingValue = "true", matchIfMissing = true)
    static class Refresh {

        private static final Logger log = LoggerFactory.getLogger(Refresh.class);
        private final LivePerformanceStore store;

        Refresh(LivePerformanceStore store) {
            this.store = store;
        }

        @Scheduled(fixedDelayString = "${lto.pipeline.monitoring-interval:30s}", initialDelay = 0)
        void refresh() {
            try {
                store.refresh();
            } catch (RuntimeException e) {
                log.warn("Live performance: daily rows not refreshed ({}); next try at the next monitoring round", e.toString());
            }
        }
    }
}
