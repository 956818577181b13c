package dev.lto.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.HandlerMapping;

class ApiRequestTimerTest {

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final ApiRequestTimer timer;

    ApiRequestTimerTest() {
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        beans.addBean("meters", meters);
        timer = new ApiRequestTimer(beans.getBeanProvider(MeterRegistry.class));
    }

    @Test
    void labelsARequestByItsRouteTemplateNotItsPath() throws Exception {
        for (String id : new String[] {"job_0000abcd", "job_1234beef"}) {
            var request = new MockHttpServletRequest("GET", "/api/v1/jobs/" + id);
            timer.doFilter(request, new MockHttpServletResponse(), (req, res) ->
                    req.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/api/v1/jobs/{jobId}"));
        }
        Timer t = meters.find(ApiRequestTimer.NAME).tags("endpoint", "/api/v1/jobs/{jobId}", "method", "GET").timer();
        assertThat(t).isNotNull();
        assertThat(t.count()).isEqualTo(2);
        assertThat(meters.find(ApiRequestTimer.NAME).timers()).hasSize(1);
    }

    @Test
    void unroutedRequestsAndOddMethodsShareOneLabelEach() throws Exception {
        for (int i = 0; i < 10; i++) {
            boolean resourceFallback = i % 3 == 0;
            timer.doFilter(new MockHttpServletRequest(i % 2 == 0 ? "PROPFIND" : "POST", "/api/v1/nothing/" + i),
                    new MockHttpServletResponse(), (req, res) -> {
                        if (resourceFallback) {
                            req.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/**");
                        }
                    });
        }
        assertThat(meters.find(ApiRequestTimer.NAME).tags("endpoint", ApiRequestTimer.UNMATCHED, "method", ApiRequestTimer.OTHER)
                .timer().count()).isEqualTo(5);
        assertThat(meters.find(ApiRequestTimer.NAME).tags("endpoint", ApiRequestTimer.UNMATCHED, "method", "POST")
                .timer().count()).isEqualTo(5);
        assertThat(meters.find(ApiRequestTimer.NAME).timers()).hasSize(2);
    }

    @Test
    void aFailedRequestIsTimedAndItsExceptionPropagates() {
        var request = new MockHttpServletRequest("POST", "/api/v1/jobs/submit");
        assertThatThrownBy(() -> timer.doFilter(request, new MockHttpServletResponse(), (req, res) -> {
            req.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/api/v1/jobs/submit");
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(meters.find(ApiRequestTimer.NAME).tags("endpoint", "/api/v1/jobs/submit").timer().count()).isEqualTo(1);
    }
}
