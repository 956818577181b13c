package dev.lto.action.streams;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * One client's bounded outgoing buffer. {@link #offer} never touches the network, so the producer
 * of a frame is never delayed by any client: frames queue here and one drainer at a time (a
 * virtual thread) writes them in order. When the queued bytes pass the limit, the overflow policy
 * applies: {@link Overflow#DROP_OLDEST} discards the oldest frames (a newer metrics frame
 * supersedes them), {@link Overflow#CLOSE} closes the session with a reason (a client that missed
 * an alert must know it, reconnect and reload the active list). A write that has not finished
 * within the send-time limit marks the client dead: the session is closed.
 *
 * <p>Why not Spring's {@code ConcurrentWebSocketSessionDecorator}: it buffers only while another
 * thread is writing; a caller that finds the session idle writes itself and blocks on a stalled
 * client. Fanning out without blocking would take a thread per frame and client, and frames of one
 * client could then overtake each other.
 */
final class SessionOutbox {

    enum Overflow { DROP_OLDEST, CLOSE }

    /** 4000-4999 are application close codes; 1008 (policy) would hide that the client was too slow. */
    static final int CLOSE_TOO_SLOW = 4008;

    private static final Logger log = LoggerFactory.getLogger(SessionOutbox.class);

    private final WebSocketSession session;
    private final Executor drainers;
    private final int bufferLimitBytes;
    private final long sendTimeLimitNanos;
    private final Overflow overflow;
    private final AtomicLong droppedFrames;
    private final Deque<WebSocketMessage<?>> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean draining;
    private boolean closed;
    private volatile long sendStartedNanos;

    SessionOutbox(WebSocketSession session, Executor drainers, int bufferLimitBytes, Duration sendTimeLimit,
                  Overflow overflow, AtomicLong droppedFrames) {
        this.session = session;
        this.drainers = drainers;
        this.bufferLimitBytes = bufferLimitBytes;
        this.sendTimeLimitNanos = sendTimeLimit.toNanos();
        this.overflow = overflow;
        this.droppedFrames = droppedFrames;
    }

    WebSocketSession session() {
        return session;
    }

    /** Queues a frame; returns at once. */
    void offer(WebSocketMessage<?> frame) {
        String closeReason = null;
        boolean startDrainer = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            long started = sendStartedNanos;
            if (started != 0 && System.nanoTime() - started > sendTimeLimitNanos) {
                closeReason = "too slow: one frame took longer than " + Duration.ofNanos(sendTimeLimitNanos).toMillis()
                        + " ms to send";
            } else {
                queue.addLast(frame);
                queuedBytes += frame.getPayloadLength();
                while (queuedBytes > bufferLimitBytes && closeReason == null) {
                    if (overflow == Overflow.CLOSE) {
                        closeReason = "too slow: more than " + bufferLimitBytes + " bytes of frames waiting; frames would be lost";
                    } else {
                        queuedBytes -= queue.removeFirst().getPayloadLength();
                        droppedFrames.incrementAndGet();
                    }
                }
                if (closeReason == null && !draining) {
                    draining = true;
                    startDrainer = true;
                }
            }
            if (closeReason != null) {
                closed = true;
                queue.clear();
                queuedBytes = 0;
            }
        }
        if (closeReason != null) {
            String reason = closeReason;
            drainers.execute(() -> close(new CloseStatus(CLOSE_TOO_SLOW, reason)));
        } else if (startDrainer) {
            drainers.execute(this::drain);
        }
    }

    synchronized int queuedFrames() {
        return queue.size();
    }

    private void drain() {
        while (true) {
            WebSocketMessage<?> next;
            synchronized (this) {
                next = closed ? null : queue.pollFirst();
                if (next == null) {
                    draining = false;
                    return;
                }
                queuedBytes -= next.getPayloadLength();
            }
            sendStartedNanos = System.nanoTime();
            try {
                session.sendMessage(next);
            } catch (IOException | RuntimeException e) {
                log.debug("WebSocket {}: send failed ({}); closing", session.getId(), e.toString());
                synchronized (this) {
                    closed = true;
                    draining = false;
                    queue.clear();
                }
                close(CloseStatus.SESSION_NOT_RELIABLE);
                return;
            } finally {
                sendStartedNanos = 0;
            }
        }
    }

    /** Closes without waiting for queued frames (they are discarded). */
    void close(CloseStatus status) {
        synchronized (this) {
            closed = true;
            queue.clear();
            queuedBytes = 0;
        }
        try {
            if (session.isOpen()) {
                session.close(status);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("WebSocket {}: close failed: {}", session.getId(), e.toString());
        }
    }
}
