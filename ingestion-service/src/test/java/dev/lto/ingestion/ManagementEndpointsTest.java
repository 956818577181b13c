package dev.lto.ingestion;

import dev.lto.testsupport.ManagementExposure;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The shipped configuration: only health (liveness, readiness) and prometheus; env, heapdump, shutdown... absent. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ManagementEndpointsTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        TestRedis.shared().registerSpringProperties(registry::add);
    }

    @LocalServerPort
    int port;

    @Test
    void onlyHealthAndPrometheusAreExposed() throws Exception {
        ManagementExposure.assertOnlyHealthAndPrometheus(TestHttp.localhost(() -> port));
    }
}
