package dev.lto.platform.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointClassTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(nullValues = "none", value = {
            "POST, /api/v1/jobs/submit, SUBMIT",
            "POST, /ingest/job, SUBMIT",
            "POST, /ingest/metrics, SUBMIT",
            "POST, /ingest/yield, SUBMIT",
            "POST, /api/v1/tradeoffs/predict, PREDICT",
            "POST, /api/v1/tradeoffs/predict/batch, PREDICT",
            "GET, /api/v1/jobs/job_1234abcd, READ",
            "HEAD, /api/v1/jobs/job_1234abcd/report, READ",
            "GET, /api/v1/models/current, READ",
            "GET, /api/v1/alerts/active, READ",
            "GET, /ws/metrics, READ",
            "POST, /api/v1/models/retrain, ADMIN",
            "POST, /api/v1/models/rollback, ADMIN",
            "POST, /api/v1/keys, ADMIN",
            "DELETE, /api/v1/keys/key_1, ADMIN",
            "DELETE, /api/v1/jobs/job_1234abcd, WRITE",
            "POST, /api/v1/jobs/job_1234abcd/review, WRITE",
            "POST, /api/v1/alerts/a1/ack, WRITE",
            "POST, /api/v1/alerts/alertmanager, WRITE",
            "POST, /api/v1/jobs/submitted, WRITE",
            "GET, /actuator/health, none",
            "GET, /actuator/prometheus, none",
            "GET, /, none",
            "GET, /v3/api-docs, none",
            "POST, /apix/v1/jobs/submit, none"})
    void classifiesByMethodAndPath(String method, String path, EndpointClass expected) {
        assertThat(EndpointClass.of(method, path)).isEqualTo(expected);
    }
}
