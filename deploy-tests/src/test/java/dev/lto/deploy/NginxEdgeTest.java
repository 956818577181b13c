package dev.lto.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The nginx edge's configuration passes `nginx -t` (Debian nginx), as compose and ./lto up use it. */
class NginxEdgeTest {

    @TempDir
    Path prefix;

    @Test
    void nginxAcceptsTheEdgeConfiguration() throws IOException {
        Files.copy(Repository.path("deploy/nginx/lto.conf"), prefix.resolve("lto.conf"));
        Files.copy(Repository.path("deploy/nginx/routes.conf"), prefix.resolve("routes.conf"));
        // The compose upstreams name hosts only Docker's DNS knows; nginx -t resolves them, so the check uses
        // the same upstream names on loopback (what ./lto up writes).
        Files.writeString(prefix.resolve("upstreams.conf"), """
                upstream ingestion    { server 127.0.0.1:8081; }
                upstream intelligence { server 127.0.0.1:8082; }
                upstream action       { server 127.0.0.1:8083; }
                """);

        Processes result = Processes.run(prefix, List.of("nginx", "-t", "-p", prefix + "/", "-c", prefix.resolve("lto.conf").toString(),
                "-e", prefix.resolve("error.log").toString()));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("test is successful");
    }

    @Test
    void composeUpstreamsNameTheComposeServicesAndPorts() {
        String upstreams = Repository.read("deploy/nginx/upstreams-compose.conf");

        assertThat(upstreams).contains("upstream ingestion    { server ingestion-service:8081; }",
                "upstream intelligence { server intelligence-service:8082; }",
                "upstream action       { server action-service:8083; }");
    }
}
