package dev.lto.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Making and hashing keys. A key is {@code lto_} + 256 random bits (base64url, 43 characters); only
 * its HMAC-SHA-256 under the server secret ({@code lto.auth.secret}) is stored anywhere, so a copy of
 * the key store or of Redis gives nobody a usable key, and a key cannot be checked without the secret.
 */
public final class ApiKeys {

    public static final String PREFIX = "lto_";
    /** A secret shorter than this is refused at start: HMAC-SHA-256 wants at least 256 bits. */
    public static final int MIN_SECRET_LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec secret;

    public ApiKeys(String secret) {
        if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalStateException("lto.auth.secret (LTO_AUTH_SECRET) must be set to at least " + MIN_SECRET_LENGTH
                    + " characters when auth is on (docs/security.md); ./lto up generates one in the data directory");
        }
        this.secret = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** A fresh key, to be shown once. */
    public static String generate() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** A short random id, shown in lists and logs in place of the key. */
    public static String newId() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return "key_" + HexFormat.of().formatHex(b);
    }

    /** HMAC-SHA-256 of the key under the server secret, lower-case hex. */
    public String hmac(String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            return HexFormat.of().formatHex(mac.doFinal(key.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
