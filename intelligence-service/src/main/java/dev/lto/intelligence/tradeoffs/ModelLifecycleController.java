package dev.lto.intelligence.tradeoffs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.lto.engine.lifecycle.LifecycleConflict;
import dev.lto.engine.lifecycle.ModelLifecycle;
import dev.lto.engine.lifecycle.Retraining;
import dev.lto.engine.lifecycle.UnknownModelVersion;
import dev.lto.intelligence.models.ShadowTrial;
import dev.lto.platform.web.ConflictException;
import dev.lto.platform.web.Ids;
import dev.lto.platform.web.NotFoundException;
import dev.lto.platform.web.StrictRecordReader;
import dev.lto.security.Caller;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import java.net.URI;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The model registry and its admin actions (docs/api.md, docs/ml.md "Lifecycle"):
 * {@code GET /api/v1/models} (every version with its status, gates and model card, the rollback
 * candidate and the deployment history), {@code POST /api/v1/models/{version}/promote} and
 * {@code POST /api/v1/models/rollback}, each with a reason; who acted is the API key's owner;
 * {@code POST /api/v1/models/retrain} (202 with a run id) and {@code GET /api/v1/models/retrain/{runId}}.
 */
@RestController
@ConditionalOnWebApplication
@RequestMapping(path = "/api/v1/models", produces = MediaType.APPLICATION_JSON_VALUE)
class ModelLifecycleController {

    /** Who acts when auth is off (no key, so no owner): said plainly in the history. */
    static final String NO_KEY = "anonymous (auth off)";

    /** Body of a lifecycle action: why, for the audit. */
    record ActionRequest(@NotBlank @Size(max = 2000) String reason) {
    }

    private final ModelLifecycle lifecycle;
    private final Retraining retraining;
    private final StrictRecordReader reader;
    private final ShadowTrial shadowTrial;

    ModelLifecycleController(ModelLifecycle lifecycle, Retraining retraining, StrictRecordReader reader, ShadowTrial shadowTrial) {
        this.lifecycle = lifecycle;
        this.shadowTrial = shadowTrial;
        this.retraining = retraining;
        this.reader = reader;
    }

    /** Starts a retrain run: 202 with the run (its id, state RUNNING) and its Location; 409 with running_id while one runs. */
    @PostMapping(path = "/retrain", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Retraining.Run> retrain(@RequestBody JsonNode body) {
        ActionRequest r = reader.read(body, ActionRequest.class);
        try {
            Retraining.Run run = retraining.start("api", Caller.actingAs(NO_KEY), r.reason());
            return ResponseEntity.accepted().location(URI.create("/api/v1/models/retrain/" + run.runId())).body(run);
        } catch (LifecycleConflict e) {
            throw new ConflictException(e.getMessage(), e.details());
        }
    }

    @GetMapping("/retrain/{runId}")
    Retraining.Run retrainRun(@PathVariable String runId) {
        Ids.require("run_id", runId);
        return retraining.find(runId).orElseThrow(() -> new NotFoundException("no retrain run " + runId));
    }

    /** The registry view and, while a shadow candidate is on trial, its progress under {@code shadow}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ModelsView(@JsonUnwrapped ModelLifecycle.RegistryView registry, @JsonProperty("shadow") ShadowTrial.Progress shadow) {
    }

    @GetMapping
    ModelsView registry() {
        return new ModelsView(lifecycle.view(), shadowTrial.progress().orElse(null));
    }

    @PostMapping(path = "/{version}/promote", consumes = MediaType.APPLICATION_JSON_VALUE)
    ModelLifecycle.Version promote(@PathVariable String version, @RequestBody JsonNode body) {
        Ids.require("version", version);
        ActionRequest r = reader.read(body, ActionRequest.class);
        try {
            return lifecycle.promote(version, Caller.actingAs(NO_KEY), r.reason());
        } catch (LifecycleConflict e) {
            throw new ConflictException(e.getMessage(), e.details());
        } catch (UnknownModelVersion e) {
            throw new NotFoundException(e.getMessage());
        }
    }

    @PostMapping(path = "/rollback", consumes = MediaType.APPLICATION_JSON_VALUE)
    ModelLifecycle.Version rollback(@RequestBody JsonNode body) {
        ActionRequest r = reader.read(body, ActionRequest.class);
        try {
            return lifecycle.rollback(Caller.actingAs(NO_KEY), r.reason());
        } catch (LifecycleConflict e) {
            throw new ConflictException(e.getMessage(), e.details());
        }
    }
}
