package dev.lto.action.alerts;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Alertmanager process (Debian package {@code prometheus-alertmanager}) on a free port, with
 * its own storage directory and no cluster listener, started and stopped by the test.
 */
final class AlertmanagerProcess implements AutoCloseable {

    /** The binary, or empty where it is not installed ({@code .ci/run} installs it). */
    static Optional<Path> binary() {
        for (String candidate : List.of("/usr/bin/prometheus-alertmanager", "/usr/local/bin/alertmanager", "/usr/bin/alertmanager")) {
            Path p = Path.of(candidate);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static Optional<Path> amtool() {
        for (String candidate : List.of("/usr/bin/amtool", "/usr/local/bin/amtool")) {
            Path p = Path.of(candidate);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The shipped configuration, located from the module directory (tests run in action-service/). */
    static Path shippedConfig() {
        Path p = Path.of("..", "alertmanager", "alertmanager.yml").toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw new IllegalStateException("alertmanager/alertmanager.yml not found at " + p);
        }
        return p;
    }

    final int port;
    private final Path dir;
    private final Path config;
    private Process process;

    /** Reserves a port; {@link #start} starts it with the shipped configuration, LTO's URL replaced. */
    AlertmanagerProcess() throws IOException {
        this.port = freePort();
        this.dir = Files.createTempDirectory("lto-alertmanager-test");
        this.config = dir.resolve("alertmanager.yml");
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    void start(String ltoBaseUrl) throws Exception {
        Files.writeString(config, Files.readString(shippedConfig()).replace("http://localhost:8083", ltoBaseUrl));
        // the webhook's key, where the shipped configuration reads it (next to alertmanager.yml)
        Files.writeString(dir.resolve("lto-webhook-key"), dev.lto.testsupport.TestKeys.SUBMITTER + "\n");
        Path bin = binary().orElseThrow();
        process = new ProcessBuilder(bin.toString(), "--config.file=" + config, "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=", "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("alertmanager exited: " + Files.readString(dir.resolve("alertmanager.log")));
            }
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready")).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("alertmanager not ready within 30 s");
    }

    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
