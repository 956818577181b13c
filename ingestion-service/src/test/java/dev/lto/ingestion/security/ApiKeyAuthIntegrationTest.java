package dev.lto.ingestion.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.security.KeyDirectory;
import dev.lto.security.Role;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestKeys;
import dev.lto.testsupport.TestRedis;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Keys and roles on the submission edge: 401 without a usable key (one body whatever the reason), 403 for
 * a role below the endpoint's, the request through for the role or above; health answers without a key.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class ApiKeyAuthIntegrationTest {

    private static final String SUBMIT = "/api/v1/jobs/submit";
    private static final String JOB = "{\"na\":0.33,\"dose_mj_cm2\":30}";

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.auth.cache-ttl", () -> "0s");
    }

    @LocalServerPort
    int port;

    @Autowired
    KeyDirectory directory;

    private TestHttp as(String key) {
        return TestHttp.localhost(() -> port).withKey(key);
    }

    @Test
    void missingUnknownRevokedAndExpiredKeysAreTheSame401() throws Exception {
        String revoked = "lto_revoked-key-for-this-test-000000000000000000";
        String expired = "lto_expired-key-for-this-test-000000000000000000";
        directory.publish(TestKeys.hmac(revoked), new KeyDirectory.Entry("key_revoked", Role.ADMIN, "mallory", null, Instant.now()));
        directory.publish(TestKeys.hmac(expired),
                new KeyDirectory.Entry("key_expired", Role.ADMIN, "mallory", Instant.now().minusSeconds(1), null));

        HttpResponse<String> missing = as(null).post(SUBMIT, JOB);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(missing.body()).contains("https://lto.dev/problems/unauthorized");
        for (String key : new String[] {"lto_no-such-key-000000000000000000000000000000", revoked, expired}) {
            HttpResponse<String> r = as(key).post(SUBMIT, JOB);
            assertThat(r.statusCode()).as(key).isEqualTo(401);
            assertThat(r.body()).as(key).isEqualTo(missing.body()).doesNotContain(key);
        }
        // the same key, not revoked, goes through: the 401 above was the revocation, not the key
        directory.publish(TestKeys.hmac(revoked), new KeyDirectory.Entry("key_revoked", Role.ADMIN, "mallory", null, null));
        assertThat(as(revoked).post(SUBMIT, JOB).statusCode()).isEqualTo(202);
    }

    @Test
    void roleBelowTheEndpointsIs403AndAtOrAboveGoesThrough() throws Exception {
        HttpResponse<String> viewer = as(TestKeys.VIEWER).post(SUBMIT, JOB);
        assertThat(viewer.statusCode()).isEqualTo(403);
        assertThat(viewer.body()).contains("https://lto.dev/problems/forbidden").contains("submitter").contains("viewer");
        assertThat(as(TestKeys.VIEWER).post("/ingest/metrics", "{}").statusCode()).isEqualTo(403);
        for (String key : new String[] {TestKeys.SUBMITTER, TestKeys.ENGINEER, TestKeys.ADMIN}) {
            assertThat(as(key).post(SUBMIT, JOB).statusCode()).isEqualTo(202);
        }
    }

    @Test
    void bearerIsAcceptedLikeTheHeader() throws Exception {
        var http = as(null);
        HttpResponse<String> r = http.send(http.request(SUBMIT).header("Authorization", "Bearer " + TestKeys.SUBMITTER)
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(JOB)));
        assertThat(r.statusCode()).isEqualTo(202);
    }

    @Test
    void onlyHealthAndTheScrapeAnswerWithoutAKey() throws Exception {
        assertThat(as(null).get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(as(null).get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(as(null).get("/actuator/prometheus").statusCode()).isEqualTo(200);
        assertThat(as(null).get("/v3/api-docs").statusCode()).isEqualTo(401);
        assertThat(as(null).get("/actuator/env").statusCode()).isEqualTo(401);
        assertThat(as(TestKeys.ADMIN).get("/actuator/env").statusCode()).isEqualTo(403);
        assertThat(as(null).get("/no/such/path").statusCode()).isEqualTo(401);
    }

    @Test
    void keysNeverReachTheLogs(CapturedOutput output) throws Exception {
        String unknown = "lto_unknown-key-that-must-not-be-logged-0000000000";
        as(TestKeys.SUBMITTER).post(SUBMIT, JOB);
        as(TestKeys.VIEWER).post(SUBMIT, JOB);
        as(unknown).post(SUBMIT, JOB);
        as(TestKeys.SUBMITTER).post(SUBMIT, "{\"na\":");
        String metrics = as(null).get("/actuator/prometheus").body();
        for (String key : new String[] {TestKeys.SUBMITTER, TestKeys.VIEWER, unknown}) {
            assertThat(output.getAll()).doesNotContain(key);
            assertThat(metrics).doesNotContain(key);
        }
    }
}
