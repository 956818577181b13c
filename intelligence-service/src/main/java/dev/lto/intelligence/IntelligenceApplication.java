package dev.lto.intelligence;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.task.ThreadPoolTaskSchedulerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@EnableScheduling
public class IntelligenceApplication {

    public static void main(String[] args) {
        SpringApplication.run(IntelligenceApplication.class, args);
    }

    /**
     * Scheduled work (pipeline monitor, drift, live performance, outbox sweeps) is the service's own
     * bookkeeping: Java priority 3, nice 10 with the flags ./lto sets, behind API requests
     * (docs/operations.md "CPU priorities").
     */
    @Bean
    ThreadPoolTaskSchedulerCustomizer scheduledWorkBehindRequests() {
        return scheduler -> scheduler.setThreadPriority(3);
    }
}
