package dev.lto.engine.registry;

import dev.lto.engine.EngineApi;
import dev.lto.engine.drift.DriftReference;
import dev.lto.engine.models.ModelSettings;
import dev.lto.engine.evaluation.ModelMetrics;
import dev.lto.engine.features.FeatureEncoder;
import dev.lto.engine.models.Calibration;
import dev.lto.engine.models.EpistemicModel;
import dev.lto.engine.models.LiteCalibration;
import dev.lto.engine.models.Mahalanobis;
import dev.lto.engine.models.MlpSignals;
import dev.lto.engine.models.SignalComposer;
import dev.lto.engine.models.SmileGaussianProcess;
import dev.lto.engine.models.TradeoffModel;
import dev.lto.engine.models.XgbSignals;
import dev.lto.engine.training.EnsembleTrainer;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.simulator.spi.SignalIntermediates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * Model artifacts under {@code ${lto.data-dir}/models/<version>/}: XGBoost boosters (UBJSON), DJL
 * MLP parameters, the GP, the scaler/encoder, the Mahalanobis fit, conformal quantiles and flag
 * threshold, test metrics, the drift reference ({@code drift.json}: quantile bin edges and reference
 * shares per input parameter and predicted signal, docs/ml.md §12), and {@code metadata.json} with the
 * sha256 of every file. Loading checks
 * every hash first, so a truncated or altered artifact never serves.
 */
@EngineApi
public final class ModelStore {

    /** Contents of metadata.json. */
    public record Metadata(@JsonProperty("version") String version,
                    @JsonProperty("created_at") Instant createdAt,
                    @JsonProperty("training_samples") int trainingSamples,
                    @JsonProperty("campaigns") List<String> campaigns,
                    @JsonProperty("train_seconds") double trainSeconds,
                    @JsonProperty("features") List<String> features,
                    @JsonProperty("signals") List<String> signals,
                    @JsonProperty("targets") List<String> targets,
                    @JsonProperty("components") Map<String, String> components,
                    @JsonProperty("sha256") Map<String, String> sha256) {
    }

    static final String DRIFT_FILE = "drift.json";

    private final Path root;
    private final JsonMapper json;

    /** Artifacts under {@code dataDir/models/<version>/}. */
    public ModelStore(Path dataDir, JsonMapper json) {
        this.root = dataDir.resolve("models");
        this.json = json;
    }

    public Path dir(String version) {
        return root.resolve(version);
    }

    public Path save(EnsembleTrainer.Trained t, ModelSettings props) {
        return save(t, props, null);
    }

    /** Saves the model with its drift reference as {@code drift.json} (none when {@code drift} is null). */
    public Path save(EnsembleTrainer.Trained t, ModelSettings props, DriftReference drift) {
        TradeoffModel m = t.model();
        Path dir = dir(m.version);
        try {
            Files.createDirectories(dir);
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put("encoder.json", json.writeValueAsBytes(m.encoder));
            for (int s = 0; s < m.xgb.signals(); s++) {
                files.put("xgb_" + m.targets().get(s) + ".ubj", m.xgb.serialize(s));
            }
            files.put("mlp.params", m.mlp.parameters());
            files.put("gp.ser", m.gp.serialize());
            files.put("ood.json", json.writeValueAsBytes(m.ood));
            files.put("calibration.json", json.writeValueAsBytes(m.calibration));
            if (t.lite() != null) {
                files.put("lite.json", json.writeValueAsBytes(t.lite()));
            }
            if (t.metrics() != null) {
                files.put("metrics.json", json.writeValueAsBytes(t.metrics()));
            }
            if (drift != null) {
                files.put(DRIFT_FILE, json.writeValueAsBytes(drift));
            }
            Map<String, String> hashes = new LinkedHashMap<>();
            for (var e : files.entrySet()) {
                Files.write(dir.resolve(e.getKey()), e.getValue());
                hashes.put(e.getKey(), sha256(e.getValue()));
            }
            Map<String, String> components = new LinkedHashMap<>();
            components.put("xgboost", "xgboost4j 3.4.0, " + props.xgboost().trees() + " trees/signal, " + props.xgboost().objective()
                    + ", max_depth " + props.xgboost().maxDepth() + ", eta " + props.xgboost().eta());
            components.put("mlp", "DJL/PyTorch " + FeatureEncoder.size() + "→256→BN→ReLU→Dropout " + props.mlp().dropout()
                    + "→128→ReLU→64→ReLU→" + m.targets().size() + ", " + m.mlp.epochs + " epochs, MC passes " + props.mlp().mcPasses());
            components.put("gp", "Smile exact GP, RBF, " + m.gp.size() + " points, noise " + props.gp().noise());
            components.put("ood", "Mahalanobis on " + m.ood.dims() + " parameters, χ² cut-off " + String.format("%.2f", m.ood.cutoff()));
            Metadata md = new Metadata(m.version, Instant.now(), t.trainingSamples(), t.campaigns(), t.trainSeconds(),
                    FeatureEncoder.NAMES, TradeoffSignals.NAMES, m.targets(), components, hashes);
            Files.write(dir.resolve("metadata.json"), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(md));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model " + m.version + " to " + dir, e);
        }
    }

    public record Loaded(TradeoffModel model, Metadata metadata, ModelMetrics metrics, LiteCalibration lite) {
    }

    /**
     * Loads and checks a stored model. A model whose learners predict intermediates needs the
     * adapter's {@code composer}; one of an older format (no targets recorded) is refused.
     */
    public Loaded load(Path dir, Set<String> unmodelled, SignalComposer composer) {
        try {
            Metadata md = json.readValue(Files.readAllBytes(dir.resolve("metadata.json")), Metadata.class);
            Map<String, byte[]> files = new LinkedHashMap<>();
            for (var e : md.sha256().entrySet()) {
                byte[] b = Files.readAllBytes(dir.resolve(e.getKey()));
                if (!sha256(b).equals(e.getValue())) {
                    throw new IllegalStateException("artifact " + dir.resolve(e.getKey()) + " does not match its sha256");
                }
                files.put(e.getKey(), b);
            }
            if (md.targets() == null || !md.features().equals(FeatureEncoder.NAMES)) {
                throw new IllegalStateException("model " + md.version() + " has an older artifact format (features or targets"
                        + " differ from this release's)");
            }
            boolean structured = md.targets().equals(SignalIntermediates.NAMES);
            if (structured && composer == null) {
                throw new IllegalStateException("model " + md.version() + " predicts signal intermediates, but the adapter"
                        + " does not compose signals from them");
            }
            FeatureEncoder encoder = json.readValue(files.get("encoder.json"), FeatureEncoder.class);
            byte[][] boosters = new byte[md.targets().size()][];
            for (int s = 0; s < boosters.length; s++) {
                boosters[s] = files.get("xgb_" + md.targets().get(s) + ".ubj");
            }
            Calibration cal = json.readValue(files.get("calibration.json"), Calibration.class);
            XgbSignals xgb = XgbSignals.load(boosters, FeatureEncoder.size());
            MlpSignals mlp = MlpSignals.load(files.get("mlp.params"), FeatureEncoder.size(), boosters.length,
                    (float) cal.dropout());
            EpistemicModel gp = SmileGaussianProcess.deserialize(files.get("gp.ser"));
            Mahalanobis ood = json.readValue(files.get("ood.json"), Mahalanobis.class);
            ModelMetrics metrics = files.containsKey("metrics.json")
                    ? json.readValue(files.get("metrics.json"), ModelMetrics.class) : null;
            LiteCalibration lite = files.containsKey("lite.json")
                    ? json.readValue(files.get("lite.json"), LiteCalibration.class) : null;
            return new Loaded(new TradeoffModel(md.version(), encoder, xgb, mlp, gp, ood, cal, structured ? composer : null,
                    unmodelled), md, metrics, lite);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model from " + dir, e);
        }
    }

    /**
     * The drift reference stored with the model in {@code dir}, checked against its sha256 in
     * metadata.json; empty for an artifact saved before drift references were stored.
     */
    public Optional<DriftReference> driftReference(Path dir) {
        try {
            Metadata md = json.readValue(Files.readAllBytes(dir.resolve("metadata.json")), Metadata.class);
            String hash = md.sha256().get(DRIFT_FILE);
            if (hash == null) {
                return Optional.empty();
            }
            byte[] b = Files.readAllBytes(dir.resolve(DRIFT_FILE));
            if (!sha256(b).equals(hash)) {
                throw new IllegalStateException("artifact " + dir.resolve(DRIFT_FILE) + " does not match its sha256");
            }
            return Optional.of(json.readValue(b, DriftReference.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the drift reference from " + dir, e);
        }
    }

    /**
     * The stored test metrics (with the gates) of a model, without loading its learners; empty when it
     * was trained without a test split.
     */
    public Optional<ModelMetrics> metrics(Path dir) {
        Path f = dir.resolve("metrics.json");
        try {
            return Files.exists(f) ? Optional.of(json.readValue(Files.readAllBytes(f), ModelMetrics.class))
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
