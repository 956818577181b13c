package dev.lto.intelligence.models;

import dev.lto.engine.data.Criticality;
import dev.lto.engine.data.Split;
import dev.lto.engine.evaluation.Evaluation;
import dev.lto.engine.evaluation.ModelMetrics;
import dev.lto.engine.models.Cascade;
import dev.lto.engine.models.TradeoffModel;
import dev.lto.engine.registry.ModelCard;
import dev.lto.engine.serving.Benchmark;
import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.serving.TradeoffEngine;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.SimulationResult;
import dev.lto.intelligence.campaign.CampaignProperties;
import dev.lto.intelligence.campaign.CampaignStore;
import dev.lto.intelligence.campaign.ReferenceData;
import dev.lto.intelligence.campaign.TrainingCampaign;
import dev.lto.simulator.spi.SimulatorAdapters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tradeoff engine's commands, run instead of serving when {@code lto.models.command} is set
 * (docs/ml.md gives the command lines): {@code campaign}, {@code export}, {@code train},
 * {@code model-card}, {@code benchmark}. The process exits when the command is done. Run them with
 * the service stopped (or another {@code lto.data-dir}): DuckDB has one writer.
 */
@Component
@ConditionalOnProperty(prefix = "lto.models", name = "command")
class ModelCommands implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ModelCommands.class);
    private static final Set<Double> TOOL_LINES = Set.of(13.5, 193.0, 248.0, 365.0);

    private final ConfigurableApplicationContext context;
    private final TrainingCampaign campaign;
    private final CampaignStore campaigns;
    private final CampaignProperties campaignProperties;
    private final ModelService models;
    private final SimulatorAdapters adapters;
    private final ReferenceData reference;
    private final JsonMapper json;
    private final String command;
    private final String campaignId;
    private final String evalCampaignId;
    private final String out;
    private final int probes;

    ModelCommands(ConfigurableApplicationContext context, TrainingCampaign campaign, CampaignStore campaigns,
                  CampaignProperties campaignProperties, ModelService models, SimulatorAdapters adapters,
                  ReferenceData reference, JsonMapper json,
                  @Value("${lto.models.command}") String command,
                  @Value("${lto.models.campaign-id:}") String campaignId,
                  @Value("${lto.models.eval-campaign-id:}") String evalCampaignId,
                  @Value("${lto.models.out:}") String out,
                  @Value("${lto.models.card-probes:12}") int probes) {
        this.context = context;
        this.campaign = campaign;
        this.campaigns = campaigns;
        this.campaignProperties = campaignProperties;
        this.models = models;
        this.adapters = adapters;
        this.reference = reference;
        this.json = json;
        this.command = command;
        this.campaignId = campaignId;
        this.evalCampaignId = evalCampaignId;
        this.out = out;
        this.probes = probes;
    }

    @Override
    public void run(ApplicationArguments args) {
        int code = 0;
        try {
            switch (command) {
                case "campaign" -> {
                    String id = campaignId.isBlank() ? "c" + campaignProperties.seed() + "_" + campaignProperties.samples() : campaignId;
                    campaign.run(id, campaignProperties, null);
                    if (!out.isBlank()) {
                        log.info("Exported {}", campaigns.export(id, Path.of(out)));
                    }
                }
                case "export" -> log.info("Exported {}", campaigns.export(campaignId, Path.of(out)));
                case "reference" -> log.info("Reference data written: {}", reference.write(campaignId, samples(campaignId),
                        Path.of(out.isBlank() ? "intelligence-service/src/main/resources/reference" : out),
                        "java -jar intelligence-service.jar --lto.models.command=reference --lto.models.campaign-id=" + campaignId));
                case "lite-study" -> liteStudy();
                case "relite" -> {
                    for (String id : campaignId.split(",")) {
                        log.info("Physics-lite re-estimated for {} jobs of {}", campaign.reestimateLite(id.trim(),
                                campaignProperties), id.trim());
                    }
                }
                case "train" -> train();
                case "model-card" -> modelCard();
                case "benchmark" -> benchmark();
                default -> throw new IllegalArgumentException("unknown lto.models.command '" + command
                        + "'; known: campaign, export, reference, train, model-card, lite-study, relite, benchmark");
            }
        } catch (RuntimeException | IOException e) {
            log.error("Command {} failed", command, e);
            code = 1;
        }
        int exit = code;
        System.exit(SpringApplication.exit(context, () -> exit));
    }

    /** Jobs of the named campaigns (default: every finished one), split as their campaign's seed says. */
    private List<CampaignSample> samples(String ids) {
        List<String> list = ids.isBlank() ? campaigns.finishedCampaigns() : Arrays.asList(ids.split(","));
        if (list.isEmpty()) {
            throw new IllegalStateException("no campaign to train on; run the campaign command first");
        }
        List<CampaignSample> all = new ArrayList<>();
        for (String id : list) {
            List<CampaignSample> s = campaigns.load(id.trim());
            if (s.stream().anyMatch(x -> x.split() == null)) {
                // An unfinished (interrupted) campaign: the same deterministic split it will get when it finishes.
                long seed = campaigns.seedOf(id.trim()).orElse(campaignProperties.seed());
                s = TrainingCampaign.assignSplits(s, campaignProperties.withSamples(s.size(), seed));
                log.info("Campaign {} is unfinished: {} jobs so far, split from its seed {}", id, s.size(), seed);
            }
            all.addAll(s);
        }
        return all;
    }

    private void train() {
        List<CampaignSample> s = samples(campaignId);
        ModelMetrics m = models.trainRegisterPromote(s, "train command");
        log.info("Test metrics: {}", m == null ? "none" : json.writerWithDefaultPrettyPrinter().writeValueAsString(m));
    }

    private void modelCard() throws IOException {
        if (!models.loadProduction()) {
            throw new IllegalStateException("no production model; train one first");
        }
        TradeoffEngine.Serving sv = models.engine().serving().orElseThrow();
        Cascade cascade = sv.cascade();
        TradeoffModel model = cascade.firstStage();
        if (evalCampaignId.isBlank()) {
            throw new IllegalArgumentException("the model card needs a held-out campaign never trained on:"
                    + " --lto.models.eval-campaign-id=<id> (docs/ml.md §9)");
        }
        if (sv.metadata().campaigns().contains(evalCampaignId)) {
            throw new IllegalArgumentException("campaign " + evalCampaignId + " was trained on; the card needs one that was not");
        }
        List<CampaignSample> test = campaigns.load(evalCampaignId); // every job is held out
        String on = "every job of campaign " + evalCampaignId + " (never trained on; the model learned from "
                + sv.metadata().campaigns() + ")";
        var sim = adapters.get(campaignProperties.adapter());
        java.util.function.Function<JobParameters, java.util.Optional<dev.lto.simulator.spi.LiteEstimate>> runLite =
                sim::estimateSignals;
        ModelMetrics cascadeMetrics = Evaluation.evaluateCascade(cascade, test, on, runLite);
        ModelMetrics first = Evaluation.evaluateFirstStage(model, test, on);
        ModelMetrics lite = cascade.lite() == null ? null
                : Evaluation.evaluateLite(cascade.lite(), models.engine().composer(), test, on);
        List<ModelCard.Slice> slices = new ArrayList<>();
        for (double line : new double[] {13.5, 193, 248, 365}) {
            slices.add(slice(cascade, "λ = " + (line == 13.5 ? "13.5 nm (EUV)" : (int) line + " nm"), "wavelength line",
                    test.stream().filter(x -> x.parameters().wavelengthNm() == line).toList(), runLite));
        }
        slices.add(slice(cascade, "off-line wavelengths", "elsewhere in 10–400 nm",
                test.stream().filter(x -> !TOOL_LINES.contains(x.parameters().wavelengthNm())).toList(), runLite));
        Map<String, List<CampaignSample>> byFamily = new java.util.TreeMap<>();
        for (CampaignSample x : test) {
            byFamily.computeIfAbsent(sim.patternFamily(x.parameters().jobClass()).orElse("class " + x.parameters().jobClass()),
                    f -> new ArrayList<>()).add(x);
        }
        byFamily.forEach((family, jobs) -> slices.add(slice(cascade, family, "pattern family", jobs, runLite)));
        slices.add(slice(cascade, "surrogate (SOCS) jobs", "use_ai_surrogate = true",
                test.stream().filter(x -> Boolean.TRUE.equals(x.parameters().useAiSurrogate())).toList(), runLite));
        slices.add(slice(cascade, "unmodelled metadata", probes + " jobs simulated with metadata.defocus_nm = 0.3·λ/NA²",
                probeJobs(), runLite));
        String md = ModelCard.render(cascade, sv.metadata(), cascadeMetrics, first, lite, slices,
                "java -jar intelligence-service.jar --lto.models.command=model-card --lto.models.eval-campaign-id=" + evalCampaignId);
        Path file = Path.of(out.isBlank() ? "docs/model-card.md" : out);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, md);
        // A copy beside the version's artifacts: GET /api/v1/models links each version to its own card.
        var entry = models.engine().registryEntry();
        if (entry.isPresent()) {
            Files.writeString(Path.of(entry.get().artifactPath()).resolve(dev.lto.engine.lifecycle.ModelLifecycle.CARD_FILE), md);
        }
        log.info("Model card written to {}: {}", file.toAbsolutePath(), cascadeMetrics.gates());
    }

    private ModelCard.Slice slice(Cascade cascade, String name, String how, List<CampaignSample> jobs,
                                  java.util.function.Function<JobParameters, java.util.Optional<dev.lto.simulator.spi.LiteEstimate>> runLite) {
        return new ModelCard.Slice(name, how, jobs.isEmpty() ? null : Evaluation.evaluateCascade(cascade, jobs, name, runLite));
    }

    /** Jobs with a physics override the first stage cannot see, simulated for their truth. */
    private List<CampaignSample> probeJobs() {
        List<CampaignSample> out = new ArrayList<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(99);
        double[] lines = {13.5, 193, 248, 365};
        var sim = adapters.get(campaignProperties.adapter());
        for (int i = 0; i < probes; i++) {
            double na = 0.15 + 0.4 * r.nextDouble();
            double lambda = lines[r.nextInt(4)];
            JobParameters p = new JobParameters("probe_" + i, na, lambda, 10 + 50 * r.nextDouble(), 0.3 + 0.6 * r.nextDouble(),
                    30.0, 1.0 + 3 * r.nextDouble(), null, r.nextBoolean(), 1 + r.nextInt(20), null, null, "model-card",
                    Map.of("defocus_nm", Math.round(0.3 * lambda / (na * na) * 10) / 10.0));
            SimulationResult res = sim.runJob(p);
            double k1 = res.outputs().k1() == null ? Double.NaN : res.outputs().k1();
            double[] sig = res.tradeoffSignals().toArray();
            out.add(new CampaignSample("probes", i, "probe", Split.TEST, p, sig, k1, Criticality.isCritical(sig, k1),
                    res.computeStats().imagingPath(), res.computeStats().computeTimeS(), sim.intermediatesOf(res).orElse(null),
                    null));
        }
        return out;
    }

    /**
     * Physics-lite at the configured fidelity against the stored full-fidelity truth of a campaign's
     * jobs (the first {@code card-probes} of them, or all when 0): accuracy, critical accuracy, max
     * error and time per job. Run it once per fidelity setting (lto.simulator.physics.lite.*).
     */
    private void liteStudy() {
        List<CampaignSample> all = campaigns.load(campaignId);
        List<CampaignSample> jobs = probes <= 0 || probes >= all.size() ? all : all.subList(0, probes);
        var sim = adapters.get(campaignProperties.adapter());
        int ok = 0;
        int critOk = 0;
        int crit = 0;
        double maxErr = 0;
        double seconds = 0;
        String fidelity = null;
        long t0 = System.nanoTime();
        for (CampaignSample s : jobs) {
            var e = sim.estimateSignals(s.parameters()).orElseThrow(() -> new IllegalStateException("the adapter has no physics-lite"));
            fidelity = e.fidelity();
            seconds += e.computeSeconds();
            double[] y = e.signals().toArray();
            for (int j = 0; j < y.length; j++) {
                double err = Math.abs(y[j] - s.signals()[j]);
                maxErr = Math.max(maxErr, err);
                ok += err <= Evaluation.TOLERANCE ? 1 : 0;
                if (s.critical()) {
                    critOk += err <= Evaluation.TOLERANCE ? 1 : 0;
                }
            }
            crit += s.critical() ? 1 : 0;
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        log.info(String.format(java.util.Locale.ROOT, "Lite study %s on %d jobs of %s (%d critical): accuracy %.2f%%, critical"
                        + " accuracy %.2f%%, max |error| %.4f, %.3f s per job (estimator's own clock; wall %.1f s in all)",
                fidelity, jobs.size(), campaignId, crit, 100.0 * ok / (6.0 * jobs.size()),
                crit == 0 ? Double.NaN : 100.0 * critOk / (6.0 * crit), maxErr, seconds / jobs.size(), wall));
    }

    private void benchmark() throws IOException {
        if (!models.loadProduction()) {
            throw new IllegalStateException("no production model; train one first");
        }
        List<JobParameters> jobs = samples(String.join(",", models.engine().serving().orElseThrow().metadata().campaigns())).stream()
                .map(CampaignSample::parameters).toList();
        List<JobParameters> heldOut = evalCampaignId.isBlank() ? jobs
                : campaigns.load(evalCampaignId).stream().map(CampaignSample::parameters).toList();
        Benchmark.Result r = Benchmark.run(models.engine(), jobs, heldOut, 2000, 300, 1000, 5, 300);
        String text = json.writerWithDefaultPrettyPrinter().writeValueAsString(r);
        log.info("Benchmark: {}", text);
        if (!out.isBlank()) {
            Files.writeString(Path.of(out), text);
        }
    }
}
