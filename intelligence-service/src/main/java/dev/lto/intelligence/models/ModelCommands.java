package dev.lto.intelligence.models;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.SimulationResult;
import dev.lto.intelligence.campaign.CampaignProperties;
import dev.lto.intelligence.campaign.CampaignSample;
import dev.lto.intelligence.campaign.CampaignStore;
import dev.lto.intelligence.campaign.Criticality;
import dev.lto.intelligence.campaign.Split;
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
    private final JsonMapper json;
    private final String command;
    private final String campaignId;
    private final String evalCampaignId;
    private final String out;
    private final int probes;

    ModelCommands(ConfigurableApplicationContext context, TrainingCampaign campaign, CampaignStore campaigns,
                  CampaignProperties campaignProperties, ModelService models, SimulatorAdapters adapters, JsonMapper json,
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
                case "train" -> train();
                case "model-card" -> modelCard();
                case "benchmark" -> benchmark();
                default -> throw new IllegalArgumentException("unknown lto.models.command '" + command
                        + "'; known: campaign, export, train, model-card, benchmark");
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
        ModelService.Serving sv = models.serving().orElseThrow();
        TradeoffModel model = sv.model();
        List<CampaignSample> test = new ArrayList<>(samples(String.join(",", sv.metadata().campaigns())).stream()
                .filter(x -> x.split() == Split.TEST).toList());
        if (!evalCampaignId.isBlank()) {
            test.addAll(campaigns.load(evalCampaignId)); // a campaign never trained on: every job is held out
        }
        String on = "held-out TEST jobs of " + sv.metadata().campaigns()
                + (evalCampaignId.isBlank() ? "" : " plus every job of " + evalCampaignId);
        ModelMetrics m = Evaluation.evaluate(model, test, on);
        List<ModelCard.Slice> slices = new ArrayList<>();
        slices.add(slice(model, "tool-line wavelengths", "test jobs at 13.5/193/248/365 nm",
                test.stream().filter(x -> TOOL_LINES.contains(x.parameters().wavelengthNm())).toList()));
        slices.add(slice(model, "off-line wavelengths", "test jobs elsewhere in 10–400 nm (20% of the design)",
                test.stream().filter(x -> !TOOL_LINES.contains(x.parameters().wavelengthNm())).toList()));
        slices.add(slice(model, "unmodelled metadata", probes + " jobs simulated with metadata.defocus_nm = 0.3·λ/NA²",
                probeJobs(model)));
        double secondsPerJob = test.stream().mapToDouble(CampaignSample::computeTimeS).average().orElse(Double.NaN);
        String md = ModelCard.render(model, sv.metadata(), m, test, slices, secondsPerJob,
                "java -jar intelligence-service.jar --lto.models.command=model-card");
        Path file = Path.of(out.isBlank() ? "docs/model-card.md" : out);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, md);
        log.info("Model card written to {}: {}", file.toAbsolutePath(), m.gates());
    }

    private ModelCard.Slice slice(TradeoffModel model, String name, String how, List<CampaignSample> jobs) {
        return new ModelCard.Slice(name, how, jobs.isEmpty() ? null : Evaluation.evaluate(model, jobs, name));
    }

    /** Jobs with a physics override the model cannot see, simulated for their truth. */
    private List<CampaignSample> probeJobs(TradeoffModel model) {
        List<CampaignSample> out = new ArrayList<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(99);
        double[] lines = {13.5, 193, 248, 365};
        for (int i = 0; i < probes; i++) {
            double na = 0.15 + 0.4 * r.nextDouble();
            double lambda = lines[r.nextInt(4)];
            JobParameters p = new JobParameters("probe_" + i, na, lambda, 10 + 50 * r.nextDouble(), 0.3 + 0.6 * r.nextDouble(),
                    30.0, 1.0 + 3 * r.nextDouble(), null, r.nextBoolean(), 1 + r.nextInt(20), null, null, "model-card",
                    Map.of("defocus_nm", Math.round(0.3 * lambda / (na * na) * 10) / 10.0));
            SimulationResult res = adapters.get(campaignProperties.adapter()).runJob(p);
            double k1 = res.outputs().k1() == null ? Double.NaN : res.outputs().k1();
            double[] sig = res.tradeoffSignals().toArray();
            out.add(new CampaignSample("probes", i, "probe", Split.TEST, p, sig, k1, Criticality.isCritical(sig, k1),
                    res.computeStats().imagingPath(), res.computeStats().computeTimeS()));
        }
        return out;
    }

    private void benchmark() throws IOException {
        if (!models.loadProduction()) {
            throw new IllegalStateException("no production model; train one first");
        }
        List<JobParameters> jobs = samples(String.join(",", models.serving().orElseThrow().metadata().campaigns())).stream()
                .map(CampaignSample::parameters).toList();
        Benchmark.Result r = Benchmark.run(models, jobs, 2000, 300, 1000, 5);
        String text = json.writerWithDefaultPrettyPrinter().writeValueAsString(r);
        log.info("Benchmark: {}", text);
        if (!out.isBlank()) {
            Files.writeString(Path.of(out), text);
        }
    }
}
