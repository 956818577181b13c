package dev.lto.intelligence.campaign;

import dev.lto.contracts.AdapterHealth;
import dev.lto.contracts.ComputeStats;
import dev.lto.contracts.HealthStatus;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.SimulationOutputs;
import dev.lto.contracts.SimulationResult;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.simulator.spi.SimulatorInterface;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;

/**
 * A microsecond-cheap stand-in for the physics simulator behind the SPI: smooth, deterministic
 * signals of the job parameters with a physics-like shape (yield risk steep in dose, speed set by
 * the mask-pixel count). Critical jobs (yield_risk ≥ 0.5) are those with dose ≤ 1.8 mJ/cm², about
 * 13% of a log-uniform dose design: below the 15% target, so the campaign's top-up must act.
 */
public final class FakePhysics implements SimulatorInterface {

    public final AtomicInteger calls = new AtomicInteger();

    @Override
    public String adapterType() {
        return "fake";
    }

    @Override
    public SimulationResult runJob(JobParameters p) {
        calls.incrementAndGet();
        return new SimulationResult(p.jobId(), p, new SimulationOutputs(100.0, 200.0, 0.9, k1(p), null, null, null, null, null,
                null, null, null, null, null),
                signals(p), ComputeStats.timeOnly(0.001), Instant.now(), "fake-1", "fake");
    }

    public static double k1(JobParameters p) {
        return 0.3 + 0.015 * p.jobClass();
    }

    public static TradeoffSignals signals(JobParameters p) {
        double px = 16 * p.wavelengthNm() / (p.na() * p.gridSizeNm());
        double speed = 1 / (1 + Math.pow(px / 400, 1.2));
        double res = clamp(0.15 + 0.7 * p.na() / 0.55 * (0.5 + 0.5 * p.sigma()));
        double fidelity = clamp(0.6 + 0.3 * Math.tanh((p.doseMjCm2() - 10) / 20) - 0.05 * p.patternComplexity().ordinal());
        double cost = clamp(fidelity * (1 - 0.5 * (1 - speed)));
        double surrogate = Boolean.TRUE.equals(p.useAiSurrogate()) ? clamp(Math.exp(-p.gridSizeNm() / 6)) : 1.0;
        double yield = 1 / (1 + Math.exp(4 * (Math.log(p.doseMjCm2()) - Math.log(1.8))));
        double health = clamp(0.35 * fidelity + 0.25 * (1 - yield) + 0.2 * res + 0.1 * speed + 0.1 * surrogate);
        return new TradeoffSignals(clamp(speed), res, cost, surrogate, clamp(yield), health);
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
