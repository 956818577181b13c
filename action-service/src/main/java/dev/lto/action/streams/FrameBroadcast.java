package dev.lto.action.streams;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * One server-push WebSocket endpoint: its sessions, each behind a bounded {@link SessionOutbox},
 * and the fan-out of frames to all of them. Clients only listen: a text message from a client is
 * ignored.
 */
class FrameBroadcast extends TextWebSocketHandler {

    private static final PingMessage PING = new PingMessage(ByteBuffer.wrap("lto".getBytes()));

    private final String stream;
    private final StreamProperties properties;
    private final SessionOutbox.Overflow overflow;
    private final int bufferLimitBytes;
    private final Map<String, SessionOutbox> sessions = new ConcurrentHashMap<>();
    private final Executor drainers = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong dropped = new AtomicLong();
    private final Counter framesOffered;

    FrameBroadcast(String stream, StreamProperties properties, SessionOutbox.Overflow overflow, int bufferLimitBytes,
                   MeterRegistry meters) {
        this.stream = stream;
        this.properties = properties;
        this.overflow = overflow;
        this.bufferLimitBytes = bufferLimitBytes;
        Gauge.builder("lto.ws.sessions", sessions, Map::size).tag("stream", stream)
                .description("Open WebSocket sessions per stream").register(meters);
        Gauge.builder("lto.ws.frames.dropped", dropped, AtomicLong::get).tag("stream", stream)
                .description("Frames dropped for clients too slow to take them (oldest first)").register(meters);
        this.framesOffered = Counter.builder("lto.ws.frames.sent").tag("stream", stream)
                .description("Frames queued for delivery, one per client and frame").register(meters);
    }

    String stream() {
        return stream;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        sessions.put(session.getId(), new SessionOutbox(session, drainers, bufferLimitBytes, properties.sendTimeLimit(),
                overflow, dropped));
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        SessionOutbox gone = sessions.remove(session.getId());
        if (gone != null) {
            gone.close(status);
        }
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) {
        SessionOutbox broken = sessions.remove(session.getId());
        if (broken != null) {
            broken.close(CloseStatus.SERVER_ERROR);
        }
    }

    /** Queues the frame for every open session; never waits for a client. */
    void broadcast(String json) {
        TextMessage frame = new TextMessage(json);
        for (SessionOutbox outbox : sessions.values()) {
            outbox.offer(frame);
        }
        framesOffered.increment(sessions.size());
    }

    /** A keep-alive ping to every session: keeps proxies from closing quiet connections. */
    void ping() {
        sessions.values().forEach(o -> o.offer(PING));
    }

    int sessionCount() {
        return sessions.size();
    }

    long droppedFrames() {
        return dropped.get();
    }

    /**
     * Closes every session. The drainer executor stays usable (it pools no threads): a stopped
     * lifecycle may be started again, e.g. a paused test context.
     */
    void closeAll() {
        sessions.values().forEach(o -> o.close(CloseStatus.GOING_AWAY));
    }
}
