package dev.lto.ingestion.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The development switch (LTO_AUTH=off): every endpoint answers without a key, and the service says so
 * loudly in its log. This is the one test that turns auth off, because it is the switch under test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "lto.auth.enabled=off")
@ExtendWith(OutputCaptureExtension.class)
class AuthOffIntegrationTest {

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        TestRedis.shared().registerSpringProperties(registry::add);
    }

    @LocalServerPort
    int port;

    @Test
    void everythingAnswersWithoutAKeyAndTheLogSaysSo(CapturedOutput output) throws Exception {
        TestHttp anyone = TestHttp.localhost(() -> port).withKey(null);
        assertThat(anyone.post("/api/v1/jobs/submit", "{\"na\":0.33,\"dose_mj_cm2\":30}").statusCode()).isEqualTo(202);
        assertThat(anyone.get("/v3/api-docs").statusCode()).isEqualTo(200);
        // logged while the context starts, which happens inside the capture (this configuration is only this class's)
        assertThat(output.getAll()).contains("WARN").contains("AUTH IS OFF");
    }
}
