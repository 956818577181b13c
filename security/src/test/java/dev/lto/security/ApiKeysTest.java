package dev.lto.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lto.testsupport.TestKeys;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void keysAre256RandomBitsAndNeverRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String k = ApiKeys.generate();
            assertThat(k).startsWith(ApiKeys.PREFIX).hasSize(ApiKeys.PREFIX.length() + 43).matches("lto_[A-Za-z0-9_-]{43}");
            assertThat(seen.add(k)).isTrue();
        }
    }

    @Test
    void theTestKeysHmacsAreWhatServicesCompute() {
        ApiKeys keys = new ApiKeys(TestKeys.SECRET);
        for (String k : new String[] {TestKeys.VIEWER, TestKeys.SUBMITTER, TestKeys.ENGINEER, TestKeys.ADMIN}) {
            assertThat(keys.hmac(k)).isEqualTo(TestKeys.hmac(k)).hasSize(64).doesNotContain(k);
        }
        assertThat(new ApiKeys(TestKeys.SECRET + "x").hmac(TestKeys.ADMIN)).isNotEqualTo(TestKeys.hmac(TestKeys.ADMIN));
    }

    @Test
    void aShortOrMissingSecretIsRefused() {
        assertThatThrownBy(() -> new ApiKeys(null)).hasMessageContaining("LTO_AUTH_SECRET");
        assertThatThrownBy(() -> new ApiKeys("short")).hasMessageContaining("32");
    }

    @Test
    void rolesIncludeTheRolesBelowThem() {
        assertThat(Role.ADMIN.includes(Role.VIEWER)).isTrue();
        assertThat(Role.ENGINEER.includes(Role.SUBMITTER)).isTrue();
        assertThat(Role.SUBMITTER.includes(Role.ENGINEER)).isFalse();
        assertThat(Role.VIEWER.authorities()).extracting(Object::toString).containsExactly("ROLE_VIEWER");
        assertThat(Role.ADMIN.authorities()).extracting(Object::toString)
                .containsExactly("ROLE_VIEWER", "ROLE_SUBMITTER", "ROLE_ENGINEER", "ROLE_ADMIN");
    }

    @Test
    void theRedisViewRoundTrips() {
        var e = new KeyDirectory.Entry("key_1", Role.ENGINEER, "erin", Instant.ofEpochMilli(5), null);
        assertThat(KeyDirectory.Entry.decode(e.encode())).isEqualTo(e);
        assertThat(e.usableAt(Instant.ofEpochMilli(4))).isTrue();
        assertThat(e.usableAt(Instant.ofEpochMilli(5))).isFalse();
        assertThat(new KeyDirectory.Entry("key_1", Role.ENGINEER, "erin", null, Instant.EPOCH).usableAt(Instant.EPOCH)).isFalse();
    }
}
