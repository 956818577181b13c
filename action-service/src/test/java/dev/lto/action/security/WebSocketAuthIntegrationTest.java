package dev.lto.action.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lto.action.LiveStreamsContext;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/** WebSocket handshakes: refused (401) without a key, accepted with the header or with a single-use ticket. */
class WebSocketAuthIntegrationTest extends LiveStreamsContext {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private WebSocket open(String url, String key) {
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (key != null) {
            b.header("X-API-Key", key);
        }
        return b.buildAsync(URI.create(url), new WebSocket.Listener() { }).orTimeout(20, TimeUnit.SECONDS).join();
    }

    private static int refusedWith(Runnable connect) {
        try {
            connect.run();
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
        throw new AssertionError("the handshake was accepted");
    }

    @Test
    void handshakeWithoutAKeyIsRefused() {
        for (String path : new String[] {"/ws/metrics", "/ws/alerts"}) {
            String url = "ws://localhost:" + port + path;
            assertThat(refusedWith(() -> open(url, null))).isEqualTo(401);
            assertThat(refusedWith(() -> open(url, "lto_not-a-key-0000000000000000000000000000000"))).isEqualTo(401);
            assertThat(refusedWith(() -> open(url + "?ticket=made-up", null))).isEqualTo(401);
        }
    }

    @Test
    void handshakeWithTheHeaderIsAccepted() {
        open("ws://localhost:" + port + "/ws/alerts", TestKeys.VIEWER).sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }

    @Test
    void aTicketOpensOneHandshakeOnly() throws Exception {
        var r = TestHttp.localhost(() -> port).withKey(TestKeys.VIEWER).post("/api/v1/ws-tickets", "");
        assertThat(r.statusCode()).isEqualTo(201);
        String ticket = JsonMapper.builder().build().readTree(r.body()).get("ticket").asString();
        assertThat(ticket).hasSizeGreaterThan(40);
        String url = "ws://localhost:" + port + "/ws/metrics?ticket=" + ticket;
        open(url, null).sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        assertThat(refusedWith(() -> open(url, null))).as("a used ticket").isEqualTo(401);
        assertThat(TestHttp.localhost(() -> port).withKey(null).post("/api/v1/ws-tickets", "").statusCode()).isEqualTo(401);
        assertThatThrownBy(() -> open("ws://localhost:" + port + "/ws/metrics", null)).isInstanceOf(CompletionException.class);
    }
}
