package dev.lto.action.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * The outbox's rules on a session whose writes block until the test lets them go (a stalled
 * client): offering never blocks, order is kept, overflow drops the oldest or closes with a reason,
 * and a write stuck past the send-time limit closes the session.
 */
class SessionOutboxTest {

    private final ExecutorService drainers = Executors.newVirtualThreadPerTaskExecutor();
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final AtomicReference<CloseStatus> closed = new AtomicReference<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean stalled = new AtomicBoolean(true);
    private final CountDownLatch writing = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        drainers.shutdownNow();
    }

    /** A session whose sendMessage blocks while {@code stalled}, until {@code release}. */
    private WebSocketSession session() {
        return (WebSocketSession) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {WebSocketSession.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "sendMessage" -> {
                        if (stalled.get()) {
                            writing.countDown();
                            release.await();
                        }
                        sent.add(((WebSocketMessage<?>) args[0]).getPayload().toString());
                        yield null;
                    }
                    case "close" -> {
                        closed.set(args == null ? CloseStatus.NORMAL : (CloseStatus) args[0]);
                        yield null;
                    }
                    case "isOpen" -> closed.get() == null;
                    case "getId" -> "s1";
                    default -> null;
                });
    }

    @Test
    void dropsTheOldestFramesOfAStalledClientWithoutBlockingTheProducer() throws InterruptedException {
        AtomicLong dropped = new AtomicLong();
        var outbox = new SessionOutbox(session(), drainers, 30, Duration.ofMinutes(1), SessionOutbox.Overflow.DROP_OLDEST, dropped);
        long start = System.nanoTime();
        outbox.offer(new TextMessage("frame-0"));
        writing.await(); // frame-0 is now stuck in the write
        for (int i = 1; i < 10; i++) {
            outbox.offer(new TextMessage("frame-" + i)); // 7 bytes each
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> dropped.get() == 5);
        assertThat(outbox.queuedFrames()).isEqualTo(4); // 4 × 7 bytes ≤ 30
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 5);
        assertThat(sent).containsExactly("frame-0", "frame-6", "frame-7", "frame-8", "frame-9");
        assertThat(closed.get()).isNull();
    }

    @Test
    void closesWithAReasonWhenAlertFramesOverflow() {
        var outbox = new SessionOutbox(session(), drainers, 30, Duration.ofMinutes(1), SessionOutbox.Overflow.CLOSE, new AtomicLong());
        for (int i = 0; i < 10; i++) {
            outbox.offer(new TextMessage("alert-" + i));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> closed.get() != null);
        assertThat(closed.get().getCode()).isEqualTo(SessionOutbox.CLOSE_TOO_SLOW);
        assertThat(closed.get().getReason()).startsWith("too slow: more than 30 bytes of frames waiting");
    }

    @Test
    void closesAClientWhoseWriteIsStuckPastTheSendTimeLimit() throws Exception {
        var outbox = new SessionOutbox(session(), drainers, 1_000_000, Duration.ofMillis(200), SessionOutbox.Overflow.DROP_OLDEST,
                new AtomicLong());
        outbox.offer(new TextMessage("first"));
        TimeUnit.MILLISECONDS.sleep(400);
        outbox.offer(new TextMessage("second"));
        await().atMost(Duration.ofSeconds(5)).until(() -> closed.get() != null);
        assertThat(closed.get().getReason()).startsWith("too slow: one frame took longer than 200 ms");
    }

    @Test
    void keepsOrderForAClientThatKeepsUp() {
        stalled.set(false);
        var outbox = new SessionOutbox(session(), drainers, 1_000_000, Duration.ofSeconds(5), SessionOutbox.Overflow.CLOSE, new AtomicLong());
        for (int i = 0; i < 1000; i++) {
            outbox.offer(new TextMessage(Integer.toString(i)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(sent.get(i)).isEqualTo(Integer.toString(i));
        }
    }
}
