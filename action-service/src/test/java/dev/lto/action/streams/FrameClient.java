package dev.lto.action.streams;

import dev.lto.testsupport.TestKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real WebSocket client (the JDK's): records every text frame with the time it arrived. */
final class FrameClient implements WebSocket.Listener {

    record Frame(long arrivedNanos, long arrivedWallMillis, JsonNode json, String text) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    final List<Frame> frames = new CopyOnWriteArrayList<>();
    volatile Integer closeCode;
    volatile String closeReason;
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    /** Connects with the viewer test key in the handshake's {@code X-API-Key} header. */
    static FrameClient connect(HttpClient http, String url) {
        return connect(http, url, TestKeys.VIEWER);
    }

    /** {@code key} null: a handshake without a key (e.g. with a {@code ?ticket=} in the url instead). */
    static FrameClient connect(HttpClient http, String url, String key) {
        FrameClient client = new FrameClient();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (key != null) {
            builder.header("X-API-Key", key);
        }
        client.socket = builder.buildAsync(URI.create(url), client).orTimeout(20, TimeUnit.SECONDS).join();
        return client;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            frames.add(new Frame(System.nanoTime(), System.currentTimeMillis(), JSON.readTree(text), text));
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode = statusCode;
        closeReason = reason;
        return null;
    }

    List<Frame> ofType(String frameType) {
        return frames.stream().filter(f -> frameType.equals(f.json().path("frame_type").asString())).toList();
    }

    void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
}
