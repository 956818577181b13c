package dev.lto.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs {@code redis-server} as a child process of the test JVM. */
final class LocalProcessBackend implements TestRedis.Backend {

    private static final Logger log = LoggerFactory.getLogger(LocalProcessBackend.class);

    private final Path binary;
    private final Path dir;
    /** {@code --save "" --appendonly no} for the shared test Redis; AOF settings for {@link TestRedis#durable}. */
    private final List<String> persistence;
    private int port;
    private Process process;
    private Process watchdog;

    LocalProcessBackend(Path binary) {
        this(binary, List.of("--save", "", "--appendonly", "no"));
    }

    LocalProcessBackend(Path binary, List<String> persistence) {
        this.binary = binary;
        this.persistence = List.copyOf(persistence);
        try {
            this.dir = Files.createTempDirectory("lto-test-redis-");
        }
        catch (IOException ex) {
            throw new IllegalStateException("Cannot create a temp dir for redis-server", ex);
        }
    }

    @Override
    public synchronized void start() {
        boolean firstStart = port == 0;
        int attempts = firstStart ? 5 : 1;
        IllegalStateException failure = null;
        for (int i = 0; i < attempts; i++) {
            if (firstStart) {
                port = TestRedis.freePort();
            }
            try {
                launch();
                TestRedis.awaitPing("127.0.0.1", port, TestRedis.startupTimeout(), this);
                return;
            }
            catch (IllegalStateException ex) {
                failure = ex;
                kill();
                log.warn("redis-server failed to start on port {} (attempt {}): {}", port, i + 1, ex.getMessage());
            }
        }
        throw failure;
    }

    private void launch() {
        Path logFile = dir.resolve("redis.log");
        List<String> cmd = new java.util.ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1"));
        cmd.addAll(persistence);
        cmd.addAll(List.of("--dir", dir.toString(), "--daemonize", "no", "--logfile", ""));
        try {
            // appended: a restart on the same directory keeps the earlier runs' log for diagnostics
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        }
        catch (IOException ex) {
            throw new IllegalStateException("Cannot run " + binary + ": " + ex.getMessage(), ex);
        }
        startWatchdog();
    }

    /**
     * If the JVM dies without running shutdown hooks (kill -9, a crashed fork), a tiny shell
     * loop kills the orphaned redis-server a second or two later.
     */
    private void startWatchdog() {
        if (!new File("/bin/sh").canExecute()) {
            return;
        }
        long jvm = ProcessHandle.current().pid();
        long redis = process.pid();
        String script = "while kill -0 " + jvm + " 2>/dev/null && kill -0 " + redis + " 2>/dev/null; do sleep 1; done; "
                + "kill -9 " + redis + " 2>/dev/null; exit 0";
        try {
            watchdog = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        }
        catch (IOException ex) {
            log.debug("No watchdog for redis-server", ex);
        }
    }

    @Override
    public synchronized void stop() {
        kill();
    }

    private void kill() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            process = null;
        }
        if (watchdog != null) {
            watchdog.destroy();
            watchdog = null;
        }
    }

    /** SIGKILL: no shutdown, no last AOF write, as a crash. */
    @Override
    public synchronized void crash() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
        if (watchdog != null) {
            watchdog.destroy();
            watchdog = null;
        }
    }

    @Override
    public synchronized void shutdown() {
        kill();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (IOException ex) {
            // best effort
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String describe() {
        return "local " + binary + ", dir " + dir;
    }

    @Override
    public String diagnostics() {
        try {
            String out = Files.readString(dir.resolve("redis.log"), StandardCharsets.UTF_8);
            return out.length() > 2000 ? out.substring(out.length() - 2000) : out;
        }
        catch (IOException ex) {
            return "(no redis.log)";
        }
    }
}
