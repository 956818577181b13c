package dev.lto.intelligence.campaign;

import dev.lto.engine.data.Criticality;
import dev.lto.engine.data.Split;
import dev.lto.engine.data.CampaignSample;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.SimulationResult;
import dev.lto.simulator.spi.LiteEstimate;
import dev.lto.simulator.spi.SignalIntermediates;
import dev.lto.simulator.spi.SimulatorAdapters;
import dev.lto.simulator.spi.SimulatorInterface;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a training campaign: a Latin-hypercube design over the contract's parameter space, each job
 * through the physics simulator (the SPI's {@code runJob}), stored in DuckDB as it finishes (so a
 * campaign interrupted half-way resumes where it stopped), then a critical-enriched top-up until
 * critical jobs make at least {@code criticalShare} of it, then a split by job, stratified by
 * criticality. Runs on the calling thread; progress with an ETA goes to the log and to listeners.
 */
@Service
public class TrainingCampaign {

    private static final Logger log = LoggerFactory.getLogger(TrainingCampaign.class);

    private final SimulatorAdapters adapters;
    private final CampaignStore store;
    private final JsonMapper json;
    private final AtomicReference<CampaignProgress> current = new AtomicReference<>();

    TrainingCampaign(SimulatorAdapters adapters, CampaignStore store, JsonMapper json) {
        this.adapters = adapters;
        this.store = store;
        this.json = json;
    }

    /** The running campaign's progress, if one runs in this process. */
    public Optional<CampaignProgress> progress() {
        return Optional.ofNullable(current.get());
    }

    /** Runs (or resumes) campaign {@code id} and returns every job of it with its split. */
    public List<CampaignSample> run(String id, CampaignProperties spec, Consumer<CampaignProgress> listener) {
        SimulatorInterface sim = adapters.get(spec.adapter());
        ParameterSpace space = new ParameterSpace(spec.toolLineShare());
        store.createCampaign(id, "latin-hypercube", spec.seed(), spec.samples(), spec.criticalShare(), spec.adapter(),
                json.writeValueAsString(spec));
        log.info("Campaign {}: {} jobs, seed {}, adapter {}, critical share ≥ {}", id, spec.samples(), spec.seed(),
                spec.adapter(), spec.criticalShare());
        try {
            Runner runner = new Runner(id, sim, spec, listener);
            runner.runAll(space.design(id, 0, spec.samples(), spec.seed()), "base");

            int maxTopUp = (int) Math.ceil(spec.maxTopUp() * spec.samples());
            int topUp = 0;
            int round = 0;
            while (true) {
                List<CampaignSample> sofar = store.load(id);
                long critical = sofar.stream().filter(CampaignSample::critical).count();
                double share = sofar.isEmpty() ? 0 : (double) critical / sofar.size();
                if (share >= spec.criticalShare() || topUp >= maxTopUp || sofar.isEmpty()) {
                    break;
                }
                int chunk = Math.min(maxTopUp - topUp, Math.max(8, spec.samples() / 20));
                int[] classes = mostCriticalClasses(sofar);
                log.info("Campaign {}: critical share {} < {}, top-up round {} of {} jobs from classes {}",
                        id, String.format("%.3f", share), spec.criticalShare(), round, chunk, java.util.Arrays.toString(classes));
                int offset = spec.samples() + topUp;
                runner.runAll(space.enrichedDesign(id, offset, chunk, spec.seed() + 1000 + round, classes),
                        "critical-topup");
                topUp += chunk;
                round++;
            }

            List<CampaignSample> all = assignSplits(store.load(id), spec);
            store.assignSplits(id, all);
            double share = all.stream().filter(CampaignSample::critical).count() / (double) Math.max(1, all.size());
            store.finishCampaign(id, "FINISHED", all.size(), share, runner.simulatorVersion);
            log.info("Campaign {} finished: {} jobs, {} failed, critical share {}", id, all.size(), runner.failed,
                    String.format("%.3f", share));
            if (share < spec.criticalShare()) {
                log.warn("Campaign {}: critical share {} stays below the target {} after {} top-up jobs", id,
                        String.format("%.3f", share), spec.criticalShare(), topUp);
            }
            return all;
        } catch (RuntimeException e) {
            store.finishCampaign(id, "FAILED", store.doneIndices(id).size(), Double.NaN, null);
            throw e;
        } finally {
            current.set(null);
        }
    }

    /**
     * Recomputes the physics-lite estimate of every stored job of a campaign (when the estimator's
     * fidelity changed; the full-fidelity truth stays), {@code parallelism} jobs at a time. Returns the
     * number of jobs updated.
     */
    public int reestimateLite(String id, CampaignProperties spec) {
        SimulatorInterface sim = adapters.get(spec.adapter());
        List<CampaignSample> jobs = store.load(id);
        int threads = Math.max(1, spec.parallelism());
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("relite-", 0).daemon().factory())) {
            List<java.util.concurrent.Future<Map.Entry<Integer, LiteEstimate>>> futures = new ArrayList<>();
            for (CampaignSample s : jobs) {
                futures.add(pool.submit(() -> Map.entry(s.index(), sim.estimateSignals(s.parameters()).orElseThrow(
                        () -> new IllegalStateException("adapter " + spec.adapter() + " has no physics-lite")))));
            }
            for (var f : futures) {
                var e = f.get();
                store.updateLite(id, e.getKey(), e.getValue());
                int n = done.incrementAndGet();
                if (n % 250 == 0 || n == jobs.size()) {
                    log.info("Campaign {}: physics-lite re-estimated for {}/{} jobs, {} s/job", id, n, jobs.size(),
                            String.format("%.3f", (System.nanoTime() - t0) / 1e9 / n));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("physics-lite failed on a job of " + id, e.getCause());
        }
        return jobs.size();
    }

    /** Classes whose jobs were critical most often (the upper half, at least one). */
    static int[] mostCriticalClasses(List<CampaignSample> samples) {
        double[] crit = new double[21];
        double[] count = new double[21];
        for (CampaignSample s : samples) {
            int c = s.parameters().jobClass();
            count[c]++;
            crit[c] += s.critical() ? 1 : 0;
        }
        List<Integer> classes = new ArrayList<>();
        for (int c = 1; c <= 20; c++) {
            classes.add(c);
        }
        classes.sort(Comparator.comparingDouble(c -> -(crit[c] + 1) / (count[c] + 2))); // Laplace-smoothed rate
        return classes.subList(0, 10).stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** Stratified split: within critical and non-critical jobs separately, a seeded shuffle cut by the fractions. */
    public static List<CampaignSample> assignSplits(List<CampaignSample> samples, CampaignProperties spec) {
        List<CampaignSample> out = new ArrayList<>(samples.size());
        for (boolean critical : new boolean[] {true, false}) {
            List<CampaignSample> group = new ArrayList<>(samples.stream().filter(s -> s.critical() == critical).toList());
            SplittableRandom rnd = new SplittableRandom(spec.seed() ^ (critical ? 0x5EEDL : 0xC0FFEEL));
            for (int i = group.size() - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                CampaignSample t = group.get(i);
                group.set(i, group.get(j));
                group.set(j, t);
            }
            int n = group.size();
            int nTrain = (int) Math.round(spec.split().train() * n);
            int nCal = (int) Math.round(spec.split().calibration() * n);
            int nVal = (int) Math.round(spec.split().validation() * n);
            for (int i = 0; i < n; i++) {
                Split split = i < nTrain ? Split.TRAIN : i < nTrain + nCal ? Split.CALIBRATION
                        : i < nTrain + nCal + nVal ? Split.VALIDATION : Split.TEST;
                out.add(group.get(i).withSplit(split));
            }
        }
        out.sort(Comparator.comparingInt(CampaignSample::index));
        return out;
    }

    /** One campaign job's truth, its intermediates and the physics-lite estimate (null where the adapter has none). */
    record Simulated(SimulationResult result, SignalIntermediates intermediates, LiteEstimate lite) {
    }

    /**
     * The full-fidelity run and, where the adapter offers them, the intermediates of its signals and
     * its physics-lite estimate (≈ a tenth of the job's cost): stored together, so training and the
     * model card never re-simulate.
     */
    static Simulated simulate(SimulatorInterface sim, JobParameters job) {
        SimulationResult res = sim.runJob(job);
        return new Simulated(res, sim.intermediatesOf(res).orElse(null), sim.estimateSignals(job).orElse(null));
    }

    /** Runs jobs through the simulator, skipping those already stored, writing each as it finishes. */
    private final class Runner {
        final String id;
        final SimulatorInterface sim;
        final CampaignProperties spec;
        final Consumer<CampaignProgress> listener;
        final long started = System.nanoTime();
        int doneHere;
        int planned;
        int doneTotal;
        int critical;
        int failed;
        long lastLog;
        String simulatorVersion;

        Runner(String id, SimulatorInterface sim, CampaignProperties spec, Consumer<CampaignProgress> listener) {
            this.id = id;
            this.sim = sim;
            this.spec = spec;
            this.listener = listener;
        }

        void runAll(List<JobParameters> jobs, String stratum) {
            Set<Integer> done = store.doneIndices(id);
            int firstIndex = indexOf(jobs.getFirst().jobId());
            List<JobParameters> todo = jobs.stream().filter(j -> !done.contains(indexOf(j.jobId()))).toList();
            planned += jobs.size();
            doneTotal += jobs.size() - todo.size();
            if (todo.size() < jobs.size()) {
                log.info("Campaign {}: resuming, {} of {} {} jobs (from index {}) already stored", id,
                        jobs.size() - todo.size(), jobs.size(), stratum, firstIndex);
            }
            int threads = Math.max(1, spec.parallelism());
            ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("campaign-", 0).daemon().factory());
            try {
                CompletionService<Simulated> cs = new ExecutorCompletionService<>(pool);
                int submitted = 0;
                int inFlight = 0;
                while (submitted < todo.size() || inFlight > 0) {
                    while (inFlight < threads && submitted < todo.size()) {
                        JobParameters job = todo.get(submitted++);
                        cs.submit(() -> simulate(sim, job));
                        inFlight++;
                    }
                    Simulated r;
                    try {
                        r = cs.take().get();
                    } catch (ExecutionException e) {
                        failed++;
                        inFlight--;
                        log.warn("Campaign {}: a job failed in the simulator: {}", id, e.getCause().toString());
                        continue;
                    }
                    inFlight--;
                    SimulationResult res = r.result();
                    simulatorVersion = res.simulatorVersion();
                    Double k1 = res.outputs().k1();
                    boolean crit = Criticality.isCritical(res.tradeoffSignals().toArray(), k1 == null ? Double.NaN : k1);
                    store.insert(id, indexOf(res.jobId()), stratum, res, crit, r.intermediates(), r.lite());
                    doneHere++;
                    doneTotal++;
                    critical += crit ? 1 : 0;
                    report(false);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("campaign " + id + " interrupted", e);
            } finally {
                pool.shutdownNow();
            }
            report(true);
        }

        void report(boolean force) {
            double elapsed = (System.nanoTime() - started) / 1e9;
            double perJob = doneHere == 0 ? Double.NaN : elapsed / doneHere;
            double eta = doneHere == 0 ? Double.NaN : perJob * Math.max(0, planned - doneTotal);
            CampaignProgress p = new CampaignProgress(id, doneTotal, planned, failed,
                    doneHere == 0 ? 0 : (double) critical / doneHere, elapsed, eta);
            current.set(p);
            if (listener != null) {
                listener.accept(p);
            }
            long now = System.nanoTime();
            if (force || now - lastLog >= spec.progressEvery().toNanos()) {
                lastLog = now;
                log.info("Campaign {}", p);
            }
        }

        private int indexOf(String jobId) {
            return Integer.parseInt(jobId.substring(jobId.lastIndexOf('_') + 1));
        }
    }
}
