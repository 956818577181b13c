package dev.lto.action.keys;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.platform.web.FieldProblem;
import dev.lto.platform.web.InvalidRequestException;
import dev.lto.platform.web.StrictRecordReader;
import dev.lto.security.KeyDirectory;
import dev.lto.security.Role;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/keys} (admin): issue a key (shown once, in this answer only), list keys, revoke one. */
@RestController
@RequestMapping(path = "/api/v1/keys", produces = MediaType.APPLICATION_JSON_VALUE)
class KeyController {

    record CreateRequest(@NotNull String role, @NotNull String owner, @JsonProperty("expires_at") String expiresAt) {
    }

    record KeyView(String id, String role, String owner, @JsonProperty("created_at") Instant createdAt,
                   @JsonProperty("last_used_at") Instant lastUsedAt, @JsonProperty("expires_at") Instant expiresAt,
                   @JsonProperty("revoked_at") Instant revokedAt) {
        static KeyView of(ApiKey k) {
            return new KeyView(k.id(), k.role(), k.owner(), k.createdAt(), k.lastUsedAt(), k.expiresAt(), k.revokedAt());
        }
    }

    record Created(String id, String key, String role, String owner, @JsonProperty("created_at") Instant createdAt,
                   @JsonProperty("expires_at") Instant expiresAt) {
    }

    record KeyList(List<KeyView> keys) {
    }

    private final KeyRegistry registry;
    private final StrictRecordReader reader;
    private final Clock clock;

    KeyController(KeyRegistry registry, StrictRecordReader reader, Clock clock) {
        this.registry = registry;
        this.reader = reader;
        this.clock = clock;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    Created create(@RequestBody JsonNode body) {
        CreateRequest r = reader.read(body, CreateRequest.class);
        Role role = null;
        Instant expires = null;
        var problems = new java.util.ArrayList<FieldProblem>();
        try {
            role = Role.of(r.role());
        } catch (IllegalArgumentException e) {
            problems.add(new FieldProblem("role", "enum", "must be one of viewer, submitter, engineer, admin", r.role()));
        }
        if (!KeyDirectory.OWNER.matcher(r.owner()).matches()) {
            problems.add(new FieldProblem("owner", "Pattern", "must match " + KeyDirectory.OWNER.pattern(), r.owner()));
        }
        if (r.expiresAt() != null) {
            try {
                expires = Instant.parse(r.expiresAt());
                if (!expires.isAfter(clock.instant())) {
                    problems.add(new FieldProblem("expires_at", "Future", "must be in the future", r.expiresAt()));
                }
            } catch (DateTimeParseException e) {
                problems.add(new FieldProblem("expires_at", "type", "must be an ISO-8601 instant, e.g. 2027-01-01T00:00:00Z", r.expiresAt()));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        KeyRegistry.Issued issued = registry.create(role, r.owner(), expires);
        ApiKey k = issued.key();
        return new Created(k.id(), issued.secret(), k.role(), k.owner(), k.createdAt(), k.expiresAt());
    }

    @GetMapping
    KeyList list() {
        return new KeyList(registry.list().stream().map(KeyView::of).toList());
    }

    @DeleteMapping("/{keyId}")
    KeyView revoke(@PathVariable String keyId) {
        return KeyView.of(registry.revoke(keyId));
    }
}
