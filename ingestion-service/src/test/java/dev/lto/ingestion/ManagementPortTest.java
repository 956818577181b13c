package dev.lto.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.testsupport.ManagementExposure;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The optional management port (docs/operations.md): with {@code management.server.port} set, health and prometheus
 * move there, still alone, and the API port no longer answers them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
class ManagementPortTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestRedis.shared().registerSpringProperties(registry::add);
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Test
    void healthAndPrometheusMoveToTheManagementPort() throws Exception {
        assertThat(managementPort).isNotEqualTo(port);
        ManagementExposure.assertOnlyHealthAndPrometheus(TestHttp.localhost(() -> managementPort));
        TestHttp api = TestHttp.localhost(() -> port);
        assertThat(api.get("/actuator/prometheus").statusCode()).isEqualTo(404);
        assertThat(api.get("/actuator/health").statusCode()).isEqualTo(404);
    }
}
