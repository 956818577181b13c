package dev.lto.action.streams;

import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measurement, not a test (runs only with {@code -Dlto.bench.url=ws://host:port}): connects N real
 * WebSocket clients to a running action-service's {@code /ws/metrics}, counts the frames they
 * receive over a window, and reads the server process's CPU time from /proc before and after
 * ({@code -Dlto.bench.pid}). The server runs apart from the clients so its CPU is its own.
 * Command and numbers: docs/benchmarks.md.
 */
@EnabledIfSystemProperty(named = "lto.bench.url", matches = "ws://.+")
class FanOutBenchmark {

    @Test
    void fanOut() throws Exception {
        String url = System.getProperty("lto.bench.url") + "/ws/metrics";
        long pid = Long.getLong("lto.bench.pid", -1);
        int window = Integer.getInteger("lto.bench.seconds", 30);
        for (String n : System.getProperty("lto.bench.clients", "200,1000").split(",")) {
            int clients = Integer.parseInt(n.strip());
            HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
            List<FrameClient> all = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                all.add(FrameClient.connect(http, url));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> all.stream().allMatch(c -> !c.frames.isEmpty()));
            Thread.sleep(2000);
            long framesBefore = all.stream().mapToLong(c -> c.frames.size()).sum();
            double cpuBefore = cpuSeconds(pid);
            long t0 = System.nanoTime();
            Thread.sleep(window * 1000L);
            long framesAfter = all.stream().mapToLong(c -> c.frames.size()).sum();
            double cpuAfter = cpuSeconds(pid);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double framesPerSecond = (framesAfter - framesBefore) / seconds;
            double cpu = (cpuAfter - cpuBefore) / seconds; // cores busy on average
            List<Long> lateness = new ArrayList<>();
            for (FrameClient c : all) {
                for (FrameClient.Frame f : c.frames) {
                    lateness.add(f.arrivedWallMillis() - java.time.Instant.parse(f.json().get("timestamp").asString()).toEpochMilli());
                }
            }
            lateness.sort(null);
            System.out.printf("BENCH fan-out %d clients: %.0f frames/s delivered over %.0f s; server CPU %.3f cores = %.2f ms CPU/s per client "
                            + "(%.1f µs per frame); delivery lateness p50 %d ms, p99 %d ms%n",
                    clients, framesPerSecond, seconds, cpu, cpu * 1000 / clients, cpu * 1e6 / framesPerSecond,
                    lateness.get(lateness.size() / 2), lateness.get((int) (lateness.size() * 0.99)));
            all.forEach(FrameClient::close);
            http.shutdownNow();
            Thread.sleep(3000);
        }
    }

    /** utime + stime of a process, in seconds (/proc/PID/stat fields 14 and 15, clock ticks of 1/100 s). */
    private static double cpuSeconds(long pid) throws Exception {
        if (pid < 0) {
            return Double.NaN;
        }
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }
}
