package dev.lto.action.keys;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** One issued key (the {@code api_keys} aggregate): never the key itself, only its HMAC. */
@Table("api_keys")
record ApiKey(@Id String id, String hmac, String role, String owner, Instant createdAt, Instant lastUsedAt,
              Instant expiresAt, Instant revokedAt) {

    ApiKey withLastUsedAt(Instant t) {
        return new ApiKey(id, hmac, role, owner, createdAt, t, expiresAt, revokedAt);
    }

    ApiKey withRevokedAt(Instant t) {
        return new ApiKey(id, hmac, role, owner, createdAt, lastUsedAt, expiresAt, t);
    }
}
