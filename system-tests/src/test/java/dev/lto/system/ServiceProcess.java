package dev.lto.system;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One LTO service running from its executable jar as a real OS process. */
final class ServiceProcess implements AutoCloseable {

    private static final Path LOGS = Path.of("target", "system-logs");

    private final String artifact;
    private final int port;
    private final List<String> args;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private boolean separateStderr;
    private Process process;
    private int starts;

    ServiceProcess(String artifact, List<String> args) {
        this.artifact = artifact;
        this.port = freePort();
        this.args = List.copyOf(args);
    }

    int port() {
        return port;
    }

    String baseUrl() {
        return "http://localhost:" + port;
    }

    /**
     * Starts with these JVM options (e.g. {@code -javaagent:...}) and environment variables; stdout and
     * stderr then go to separate files ({@link #stdout()}, {@link #stderr()}), so the service's own log
     * lines can be told from the JVM's and an agent's.
     */
    ServiceProcess withJvm(List<String> options, Map<String, String> env) {
        jvmOptions.addAll(options);
        environment.putAll(env);
        separateStderr = true;
        return this;
    }

    /** The current run's log (stdout, and stderr too unless {@link #withJvm} separated it). */
    Path stdout() {
        return LOGS.resolve(artifact + "-" + starts + ".log");
    }

    Path stderr() {
        return LOGS.resolve(artifact + "-" + starts + ".err.log");
    }

    ServiceProcess start(String... extraArgs) throws IOException {
        Files.createDirectories(LOGS);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx768m", "-XX:TieredStopAtLevel=1", "-Dai.djl.offline=true"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString(), "--server.port=" + port));
        command.addAll(args);
        // auth on, as in production: the test keys' HMACs as configured keys (SystemProbe sends the admin key)
        command.addAll(List.of(dev.lto.testsupport.TestKeys.springArguments()).stream()
                .filter(a -> !a.startsWith("--lto.auth.secret=")).toList());
        command.addAll(List.of(extraArgs));
        starts++;
        var builder = new ProcessBuilder(command).redirectOutput(stdout().toFile());
        builder.environment().put("LTO_AUTH_SECRET", dev.lto.testsupport.TestKeys.SECRET); // not on the command line
        builder.environment().putAll(environment);
        if (separateStderr) {
            builder.redirectError(stderr().toFile());
        } else {
            builder.redirectErrorStream(true);
        }
        process = builder.start();
        Process started = process;
        // If the test JVM itself is killed, take the service down with it rather than orphan it.
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        return this;
    }

    /** The log of the current (latest) start. */
    Path log() {
        return LOGS.resolve(artifact + "-" + starts + ".log");
    }

    /** Waits until {@code /actuator/health} answers UP; fails with the log's tail if the process dies. */
    ServiceProcess awaitHealthy(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(artifact + " exited with " + process.exitValue() + "; see " + LOGS.toAbsolutePath());
            }
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health")).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"UP\"")) {
                    return this;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError(artifact + " not healthy after " + timeout + "; see " + LOGS.toAbsolutePath());
    }

    /** SIGKILL: no shutdown hooks, no graceful stop, as a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait for a graceful stop. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** The executable jar, found on the test classpath (the reactor or the local repository). */
    private Path jar() {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith(artifact + "-") && name.endsWith(".jar")) {
                return Path.of(entry);
            }
        }
        throw new IllegalStateException(artifact + " jar not on the test classpath; build with ./mvnw verify");
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
