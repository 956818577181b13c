package dev.lto.action.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lto.action.LiveStreamsContext;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The key registry through its admin API: a key is shown once, works at once with its role, is listed
 * without its secret, and is refused (401, the same body as no key) within the cache time once revoked.
 */
class KeyApiIntegrationTest extends LiveStreamsContext {

    @LocalServerPort
    int port;

    @Value("${lto.data-dir}")
    Path dataDir;

    private final JsonMapper json = JsonMapper.builder().build();

    private TestHttp as(String key) {
        return TestHttp.localhost(() -> port).withKey(key);
    }

    @Test
    void issuedKeyWorksWithItsRoleIsListedWithoutItsSecretAndStopsWorkingWhenRevoked() throws Exception {
        var created = as(TestKeys.ADMIN).post("/api/v1/keys", "{\"role\":\"engineer\",\"owner\":\"erin\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = json.readTree(created.body());
        String key = body.get("key").asString();
        String id = body.get("id").asString();
        assertThat(key).startsWith("lto_").hasSize(47);

        // engineer: may acknowledge (404: no such alert, but past the role check), may not manage keys
        assertThat(as(key).post("/api/v1/alerts/alert_00000000/ack", "{}").statusCode()).isEqualTo(404);
        assertThat(as(key).get("/api/v1/keys").statusCode()).isEqualTo(403);

        String list = as(TestKeys.ADMIN).get("/api/v1/keys").body();
        assertThat(list).contains(id).contains("erin").doesNotContain(key);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            for (JsonNode k : json.readTree(as(TestKeys.ADMIN).get("/api/v1/keys").body()).get("keys")) {
                if (k.get("id").asString().equals(id)) {
                    return !k.get("last_used_at").isNull();
                }
            }
            return false;
        });

        String noKey = as(null).get("/api/v1/alerts/active").body();
        var revoked = as(TestKeys.ADMIN).delete("/api/v1/keys/" + id);
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(json.readTree(revoked.body()).get("revoked_at").isNull()).isFalse();
        // within lto.auth.cache-ttl (5 s) every service refuses it, with the body a missing key gets
        await().atMost(Duration.ofSeconds(8)).until(() -> as(key).get("/api/v1/alerts/active").statusCode() == 401);
        assertThat(as(key).get("/api/v1/alerts/active").body()).isEqualTo(noKey);
        assertThat(as(TestKeys.ADMIN).delete("/api/v1/keys/key_000000000000").statusCode()).isEqualTo(404);
    }

    @Test
    void badRequestsAreProblemsAndOnlyAdminsMayAsk() throws Exception {
        var bad = as(TestKeys.ADMIN).post("/api/v1/keys", "{\"role\":\"root\",\"owner\":\"a|b\",\"expires_at\":\"2001-01-01T00:00:00Z\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("role").contains("owner").contains("expires_at");
        assertThat(as(TestKeys.ENGINEER).post("/api/v1/keys", "{\"role\":\"admin\",\"owner\":\"eve\"}").statusCode()).isEqualTo(403);
        assertThat(as(null).get("/api/v1/keys").statusCode()).isEqualTo(401);
    }

    @Test
    void firstStartWritesAnAdminKeyOnlyItsOwnerCanRead() throws Exception {
        Path file = dataDir.resolve(KeyRegistry.ADMIN_KEY_FILE);
        assertThat(file).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String admin = Files.readString(file).trim();
        assertThat(as(admin).get("/api/v1/keys").statusCode()).isEqualTo(200);
    }
}
