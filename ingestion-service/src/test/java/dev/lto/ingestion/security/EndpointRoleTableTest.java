package dev.lto.ingestion.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.security.EndpointRoles;
import dev.lto.testsupport.TestRedis;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Every endpoint this service maps has a line in the role table (EndpointRoles, shown in docs/api.md). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EndpointRoleTableTest {

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        TestRedis.shared().registerSpringProperties(registry::add);
    }

    @Autowired
    ApplicationContext context;

    @Test
    void everyMappedEndpointHasARole() {
        assertThat(EndpointRoles.unruled(context)).as("endpoints without a line in EndpointRoles.RULES").isEmpty();
    }
}
