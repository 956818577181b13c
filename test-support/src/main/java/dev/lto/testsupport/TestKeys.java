package dev.lto.testsupport;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * API keys for tests of a service with auth on (docs/security.md): a fixed test secret and one key per
 * role, given to the service as configured keys ({@code lto.auth.keys[n].*}, only their HMAC), so no test
 * depends on the key registry or on what is in Redis. The security module's tests check that these HMACs
 * are what the services compute.
 */
public final class TestKeys {

    public static final String SECRET = "lto-test-secret-never-used-outside-tests-0123456789";
    public static final String VIEWER = "lto_test-viewer-key-000000000000000000000000000";
    public static final String SUBMITTER = "lto_test-submitter-key-000000000000000000000000";
    public static final String ENGINEER = "lto_test-engineer-key-0000000000000000000000000";
    public static final String ADMIN = "lto_test-admin-key-00000000000000000000000000000";

    /** role, key: the owner of each is {@code test-<role>}, its id {@code key_test_<role>}. */
    private static final List<String[]> KEYS = List.of(
            new String[] {"viewer", VIEWER}, new String[] {"submitter", SUBMITTER},
            new String[] {"engineer", ENGINEER}, new String[] {"admin", ADMIN});

    private TestKeys() {
    }

    /** The secret and the four keys, for a {@code @DynamicPropertySource}. */
    public static void registerSpringProperties(BiConsumer<String, Supplier<Object>> registry) {
        for (String[] p : springProperties()) {
            registry.accept(p[0], () -> p[1]);
        }
    }

    /** The same as {@code --name=value} arguments, for a service started as a process. */
    public static String[] springArguments() {
        return java.util.Arrays.stream(springProperties()).map(p -> "--" + p[0] + "=" + p[1]).toArray(String[]::new);
    }

    private static String[][] springProperties() {
        String[][] out = new String[1 + 4 * KEYS.size()][];
        out[0] = new String[] {"lto.auth.secret", SECRET};
        int i = 1;
        for (int n = 0; n < KEYS.size(); n++) {
            String role = KEYS.get(n)[0];
            String prefix = "lto.auth.keys[" + n + "].";
            out[i++] = new String[] {prefix + "id", "key_test_" + role};
            out[i++] = new String[] {prefix + "role", role};
            out[i++] = new String[] {prefix + "owner", ownerOf(role)};
            out[i++] = new String[] {prefix + "hmac", hmac(KEYS.get(n)[1])};
        }
        return out;
    }

    /** The owner the test key of a role acts as (what requested_by/acknowledged_by/reviewer record). */
    public static String ownerOf(String role) {
        return "test-" + role;
    }

    /** HMAC-SHA-256 of a key under {@link #SECRET}, hex: what the service computes to look it up. */
    public static String hmac(String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(key.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
