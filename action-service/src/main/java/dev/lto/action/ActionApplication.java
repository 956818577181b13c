package dev.lto.action;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
public class ActionApplication {

    public static void main(String[] args) {
        SpringApplication.run(ActionApplication.class, args);
    }

    /** The time health and pipeline activity are measured with (tests supply their own). */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
