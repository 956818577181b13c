package dev.lto.intelligence.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.security.Caller;
import dev.lto.security.EndpointRoles;
import dev.lto.security.Role;
import dev.lto.security.WebSocketTickets;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestKeys;
import dev.lto.testsupport.TestRedis;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The role table on the intelligence service: every mapped endpoint has a rule, and representative
 * endpoints answer 401 without a key, 403 below their role, and get past the check at their role
 * (then answering what the endpoint answers: 404 for an unknown job, 503 with no model).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "lto.models.bootstrap.enabled=false")
class IntelligenceAuthIntegrationTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-auth-test")::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    WebSocketTickets tickets;

    private TestHttp as(String key) {
        return TestHttp.localhost(() -> port).withKey(key);
    }

    @Test
    void everyMappedEndpointHasARole() {
        assertThat(EndpointRoles.unruled(context)).as("endpoints without a line in EndpointRoles.RULES").isEmpty();
    }

    @Test
    void readsNeedAViewer() throws Exception {
        assertThat(as(null).get("/api/v1/jobs/job_00000000").statusCode()).isEqualTo(401);
        assertThat(as(TestKeys.VIEWER).get("/api/v1/jobs/job_00000000").statusCode()).isEqualTo(404);
        assertThat(as(null).get("/api/v1/tradeoffs/history").statusCode()).isEqualTo(401);
        assertThat(as(TestKeys.VIEWER).get("/api/v1/tradeoffs/history").statusCode()).isEqualTo(200);
        assertThat(as(null).get("/api/v1/models/current").statusCode()).isEqualTo(401);
        assertThat(as(TestKeys.VIEWER).get("/api/v1/models/current").statusCode()).isEqualTo(200);
        assertThat(as(null).get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    }

    /**
     * The console opens reports and pictures in a new tab, which cannot send a header: a single-use ticket
     * (minted by action-service for the console's key, kept in the shared Redis) opens exactly one such
     * page here, and no other endpoint. 404 is past the key check (the job does not exist); 401 is not.
     */
    @Test
    void aTicketOpensOneReportOrPictureAndNothingElse() throws Exception {
        Caller viewer = new Caller("key_test_viewer", Role.VIEWER, TestKeys.ownerOf("viewer"));
        String report = "/api/v1/jobs/job_00000000/report";
        String picture = "/api/v1/jobs/job_00000000/artifacts/aerial.png";
        assertThat(as(null).get(report).statusCode()).isEqualTo(401);
        assertThat(as(null).get(picture).statusCode()).isEqualTo(401);

        String ticket = tickets.issue(viewer);
        assertThat(as(null).get(report + "?ticket=" + ticket).statusCode()).isEqualTo(404);
        assertThat(as(null).get(report + "?ticket=" + ticket).statusCode()).as("used once").isEqualTo(401);
        assertThat(as(null).get(picture + "?ticket=" + tickets.issue(viewer)).statusCode()).isEqualTo(404);
        assertThat(as(null).get(report + "?ticket=not-a-ticket").statusCode()).isEqualTo(401);

        for (String elsewhere : new String[] {"/api/v1/jobs/job_00000000", "/api/v1/tradeoffs/history", "/api/v1/models/current"}) {
            assertThat(as(null).get(elsewhere + "?ticket=" + tickets.issue(viewer)).statusCode()).as(elsewhere).isEqualTo(401);
        }
        Caller admin = new Caller("key_test_admin", Role.ADMIN, TestKeys.ownerOf("admin"));
        assertThat(as(null).delete("/api/v1/jobs/job_00000000?ticket=" + tickets.issue(admin)).statusCode()).isEqualTo(401);
    }

    @Test
    void cancelNeedsASubmitterReviewAndPredictAnEngineerModelChangesAnAdmin() throws Exception {
        String job = "/api/v1/jobs/job_00000000";
        assertThat(as(TestKeys.VIEWER).delete(job).statusCode()).isEqualTo(403);
        assertThat(as(TestKeys.SUBMITTER).delete(job).statusCode()).isEqualTo(404);

        String review = "{\"action\":\"START\"}";
        assertThat(as(TestKeys.SUBMITTER).post(job + "/review", review).statusCode()).isEqualTo(403);
        assertThat(as(TestKeys.ENGINEER).post(job + "/review", review).statusCode()).isEqualTo(404);

        String predict = "{\"na\": 0.33, \"dose_mj_cm2\": 30}";
        var forbidden = as(TestKeys.SUBMITTER).post("/api/v1/tradeoffs/predict", predict);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.body()).contains("https://lto.dev/problems/forbidden").contains("engineer");
        assertThat(as(TestKeys.ENGINEER).post("/api/v1/tradeoffs/predict", predict).statusCode()).isEqualTo(503);

        assertThat(as(TestKeys.ENGINEER).post("/api/v1/models/retrain", "{}").statusCode()).isEqualTo(403);
    }
}
