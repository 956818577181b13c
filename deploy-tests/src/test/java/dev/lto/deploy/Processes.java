package dev.lto.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command line tool (nginx, docker-compose) to completion and returns its exit code and output. */
record Processes(int exitCode, String output) {

    static Processes run(Path workingDir, List<String> command) {
        try {
            Process process = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in 60 s");
            }
            return new Processes(process.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.getFirst()
                    + " (on Debian: apt-get install nginx docker-compose; .ci/run installs them)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
