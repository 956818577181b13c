package dev.lto.engine.models;

import dev.lto.contracts.AdapterHealth;
import dev.lto.contracts.ComputeStats;
import dev.lto.contracts.HealthStatus;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.SimulationOutputs;
import dev.lto.contracts.SimulationResult;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.simulator.spi.LiteEstimate;
import dev.lto.simulator.spi.SignalIntermediates;
import dev.lto.simulator.spi.SimulatorInterface;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;

/**
 * A microsecond-cheap stand-in for the physics simulator behind the SPI: smooth, deterministic
 * intermediates of the job parameters, composed into signals of a physics-like shape (yield risk
 * steep in dose, speed set by the mask-pixel count), and a physics-lite estimate that is close
 * everywhere except near the yield cliff, where it is off by {@link #LITE_CLIFF_ERROR} and says so
 * through a large error estimate. Critical jobs (yield_risk ≥ 0.5) are those with dose ≤ 1.8 mJ/cm²,
 * about 13% of a log-uniform dose design: below the 15% target, so the campaign's top-up must act.
 */
public final class FakePhysics implements SimulatorInterface {

    /** How far physics-lite's yield score is off for doses in the cliff band [1.6, 2.0] mJ/cm². */
    public static final double LITE_CLIFF_ERROR = 0.12;

    public final AtomicInteger calls = new AtomicInteger();
    public final AtomicInteger liteCalls = new AtomicInteger();
    /** When set, physics-lite waits for it (up to 30 s): a test holds a physics-lite run in flight. */
    public volatile java.util.concurrent.CountDownLatch liteGate;

    @Override
    public String adapterType() {
        return "fake";
    }

    @Override
    public SimulationResult runJob(JobParameters p) {
        calls.incrementAndGet();
        SignalIntermediates x = intermediates(p);
        return new SimulationResult(p.jobId(), p, new SimulationOutputs(100.0, x.depthOfFocusNm(), x.patternFidelity(), k1(p),
                null, null, null, x.edgeLogSlope(), null, null, null, null, x.failureProbability(), null),
                signals(p), ComputeStats.timeOnly(0.001), Instant.now(), "fake-1", "fake");
    }

    public static double k1(JobParameters p) {
        return 0.3 + 0.015 * p.jobClass();
    }

    /** The fake's true intermediates. */
    public static SignalIntermediates intermediates(JobParameters p) {
        double fidelity = clamp(0.6 + 0.3 * Math.tanh((p.doseMjCm2() - 10) / 20) - 0.05 * p.patternComplexity().ordinal());
        double dofScore = clamp(0.15 + 0.7 * (1 - p.na() / 0.55) * (0.5 + 0.5 * p.sigma()));
        double yield = 1 / (1 + Math.exp(4 * (Math.log(p.doseMjCm2()) - Math.log(1.8))));
        double slope = 0.5 + 4 * p.sigma();
        return SignalIntermediates.fromUnitScores(new double[] {fidelity, dofScore, yield, slope / (1 + slope)});
    }

    public static TradeoffSignals signals(JobParameters p) {
        return compose(p, intermediates(p));
    }

    static TradeoffSignals compose(JobParameters p, SignalIntermediates x) {
        double[] u = x.unitScores();
        double px = 16 * p.wavelengthNm() / (p.na() * p.gridSizeNm());
        double speed = 1 / (1 + Math.pow(px / 400, 1.2));
        double res = clamp(Math.sqrt(clamp(p.na() / 0.55) * u[1]));
        double cost = clamp(u[0] * (1 - 0.5 * (1 - speed)));
        double surrogate = Boolean.TRUE.equals(p.useAiSurrogate()) ? clamp(Math.exp(-p.gridSizeNm() / (6 * u[3] + 1e-9))) : 1.0;
        double health = clamp(0.35 * u[0] + 0.25 * (1 - u[2]) + 0.2 * res + 0.1 * speed + 0.1 * surrogate);
        return new TradeoffSignals(clamp(speed), res, cost, surrogate, u[2], health);
    }

    @Override
    public Optional<SignalIntermediates> intermediatesOf(SimulationResult result) {
        return Optional.of(intermediates(result.parameters()));
    }

    @Override
    public Optional<TradeoffSignals> composeSignals(JobParameters params, SignalIntermediates x) {
        return Optional.of(compose(params, x));
    }

    @Override
    public Optional<LiteEstimate> estimateSignals(JobParameters p) {
        liteCalls.incrementAndGet();
        java.util.concurrent.CountDownLatch gate = liteGate;
        if (gate != null) {
            try {
                gate.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double[] u = intermediates(p).unitScores();
        boolean cliff = p.doseMjCm2() >= 1.6 && p.doseMjCm2() <= 2.0;
        u[0] = clamp(u[0] + 0.004 * Math.sin(p.na() * 97));       // small, smooth reduced-fidelity error
        u[2] = clamp(u[2] + (cliff ? LITE_CLIFF_ERROR : 0));
        SignalIntermediates x = SignalIntermediates.fromUnitScores(u);
        double[] err = new double[6];
        java.util.Arrays.fill(err, cliff ? LITE_CLIFF_ERROR : 0.003);
        return Optional.of(new LiteEstimate(compose(p, x), x, err, "fake-lite", 1e-4));
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    @Override
    public Flux<MetricSnapshot> streamMetrics() {
        return Flux.empty();
    }

    @Override
    public AdapterHealth healthCheck() {
        return new AdapterHealth("fake", HealthStatus.UP, "fake-1", "cpu", "test double", Instant.now());
    }
}
