package dev.lto.action.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.action.LiveStreamsContext;
import dev.lto.contracts.JobState;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobStateChanged;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The console in a real browser (headless Chromium) against the running service: the page comes
 * from the jar and connects to both streams; a blocked job's alert appears in the active list and
 * its Ack button acknowledges it (gone from the page and from the API's active list); the live
 * metric frame and the blocked job with its links are shown. The screenshot lands in
 * target/console.png (docs/img/console.png is a copy of it).
 */
class ConsoleBrowserTest extends LiveStreamsContext {

    @LocalServerPort
    int port;

    @Autowired
    EventPublisher publisher;

    @Test
    void aFiredAlertAppearsAndAckRemovesIt() throws Exception {
        Path chromium = HeadlessChromium.binary();
        Assumptions.assumeTrue(chromium != null, "SKIPPED: no Chromium at /usr/bin/chromium (apt-get install chromium) or LTO_CHROMIUM");
        try (HeadlessChromium browser = new HeadlessChromium(chromium, 1280, 1100)) {
            // the key is handed over in the fragment (never sent to the server); the console keeps it for the tab
            browser.navigate("http://localhost:" + port + "/#key=" + TestKeys.ENGINEER);
            browser.waitFor("document.getElementById('conn-metrics').textContent === 'metrics: live'", Duration.ofSeconds(20));
            browser.waitFor("document.getElementById('conn-alerts').textContent === 'alerts: live'", Duration.ofSeconds(20));

            String job = "job_con" + Long.toHexString(System.nanoTime() % 0xfffff);
            JobState[] path = {JobState.SUBMITTED, JobState.VALIDATING, JobState.PREFLIGHT, JobState.BLOCKED};
            for (int i = 0; i < path.length; i++) {
                var change = new JobStateChanged(job, i == 0 ? null : path[i - 1], path[i], i + 1, Instant.now(),
                        i == 3 ? "profile 'strict' violated: yield_risk 0.31 above 0.20" : null,
                        i == 3 ? "Resubmit with dose_mj_cm2=34.0: predicted to meet the whole constraint profile" : null);
                publisher.publish(EVENTS, new EventEnvelope<>(job + "/" + (i + 1), EventTypes.JOB_STATE_CHANGED, 1, Instant.now(), job,
                        "test", Map.of(), change));
            }
            // A metric frame (every 5 s) refreshes the recent-jobs list.
            browser.waitFor("document.querySelector('tr[data-job-id=\"" + job + "\"]')", Duration.ofSeconds(20));
            browser.waitFor("document.getElementById('frame').textContent.includes('\"frame_type\": \"metrics\"')", Duration.ofSeconds(15));
            assertThat(browser.eval("document.getElementById('m-health').textContent").asString()).matches("0\\.\\d\\d|1\\.00");
            assertThat(browser.eval("document.getElementById('m-gpu').textContent").asString()).isIn("n/a", "70 %");
            String reportHref = browser.eval("document.querySelector('tr[data-job-id=\"" + job + "\"] a').href").asString();
            assertThat(reportHref).isEqualTo("http://localhost:" + PEER.getAddress().getPort() + "/api/v1/jobs/" + job + "/report");
            assertThat(browser.eval("document.querySelector('tr[data-job-id=\"" + job + "\"]').innerText").asString())
                    .contains("BLOCKED").contains("yield_risk 0.31");
            reportLinkCarriesAFreshTicket(browser, job, reportHref);

            String alertRow = "document.querySelector('#alerts tr[data-alert-id]:has(a[href$=\"/" + job + "/report\"])')";
            browser.waitFor(alertRow, Duration.ofSeconds(10));
            assertThat(browser.eval(alertRow + ".innerText").asString()).contains("WARN").contains("dose_mj_cm2=34.0");
            browser.waitFor(alertRow + ".innerText.includes('job_blocked')", Duration.ofSeconds(10)); // type filled in from the API
            String alertId = browser.eval(alertRow + ".dataset.alertId").asString();
            browser.screenshot(Path.of("target", "console.png"));

            browser.eval("document.querySelector('button[data-ack=\"" + alertId + "\"]').click()");
            browser.waitFor("!document.querySelector('tr[data-alert-id=\"" + alertId + "\"]')", Duration.ofSeconds(10));
            String active = TestHttp.localhost(() -> port).get("/api/v1/alerts/active").body();
            assertThat(active).doesNotContain(alertId);
            String acked = TestHttp.localhost(() -> port).get("/api/v1/alerts/" + alertId).body();
            assertThat(acked).contains("\"acknowledged_by\":\"" + TestKeys.ownerOf("engineer") + "\"");

            // without a key the console has no ticket to give: the tab gets the bare link, which answers 401
            browser.eval("document.getElementById('api-key').value = ''; true");
            assertThat(clickAndCapture(browser, job)).isEqualTo(reportHref);
        }
    }

    /**
     * A report link opens a new tab (the page's window.open is replaced to see where it goes): with the
     * console's key, at the link plus a fresh single-use ticket. The ticket is then presented to the real
     * filter (this service's: the security module is the same in every service, and the job pages are in
     * its ticket list) at the very path the console produced: past the key check once (404: this service has
     * no job pages), then 401. IntelligenceAuthIntegrationTest does the same against intelligence-service.
     */
    private void reportLinkCarriesAFreshTicket(HeadlessChromium browser, String job, String reportHref) throws Exception {
        String opened = clickAndCapture(browser, job);
        assertThat(opened).startsWith(reportHref + "?ticket=");
        String path = opened.substring(opened.indexOf("/api/v1/jobs/"));
        TestHttp noKey = TestHttp.localhost(() -> port).withKey(null);
        assertThat(noKey.get(path.substring(0, path.indexOf('?'))).statusCode()).isEqualTo(401);
        assertThat(noKey.get(path).statusCode()).as("the ticket gets past the key check").isEqualTo(404);
        assertThat(noKey.get(path).statusCode()).as("and only once").isEqualTo(401);
    }

    private static String clickAndCapture(HeadlessChromium browser, String job) throws Exception {
        browser.eval("window.__opened = []; window.open = () => { const t = { location: {} }; window.__opened.push(t); return t; }; true");
        browser.eval("document.querySelector('tr[data-job-id=\"" + job + "\"] a').click()");
        browser.waitFor("window.__opened.length === 1 && window.__opened[0].location.href", Duration.ofSeconds(10));
        return browser.eval("window.__opened[0].location.href").asString();
    }
}
