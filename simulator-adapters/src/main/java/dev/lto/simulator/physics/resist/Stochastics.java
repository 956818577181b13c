package dev.lto.simulator.physics.resist;

/**
 * Photon shot noise. Photon energy hc/λ = 1239.84/λ eV; 1 mJ/cm² = 62.415 eV/nm², so
 * photons/nm² per mJ/cm² = 62.415·λ/1239.84 = 0.05034·λ (0.680 at 13.5 nm, 9.72 at 193 nm).
 * Absorbed photons in a critical area A: N̄ = dose·(photons per mJ/cm²)·α·A·I, α = 1 − e^{−a·t}.
 * A point fails when the relative fluctuation 1/√N̄ pushes its local dose across the clearing
 * level; the margin is read at dose-to-size, i.e. for a resist whose sensitivity prints the
 * feature on target at the job's dose (so a higher dose buys more photons, not a different CD).
 */
public final class Stochastics {

    /** eV·nm. */
    public static final double HC_EV_NM = 1239.84198;
    /** eV per nm² in 1 mJ/cm²: 1e-3 J / 1e14 nm² / 1.602176634e-19 J/eV. */
    public static final double EV_PER_NM2_PER_MJ_CM2 = 1e-3 / 1e14 / 1.602176634e-19;

    private Stochastics() {
    }

    /** Photon energy hc/λ, eV. */
    public static double photonEnergyEv(double wavelengthNm) {
        return HC_EV_NM / wavelengthNm;
    }

    /** Incident photons per nm² delivered by 1 mJ/cm². */
    public static double photonsPerNm2PerMjCm2(double wavelengthNm) {
        return EV_PER_NM2_PER_MJ_CM2 / photonEnergyEv(wavelengthNm);
    }

    /**
     * Resist absorption coefficient (1/nm), representative values: EUV chemically amplified resist
     * ≈ 5 µm⁻¹, ArF ≈ 1.5 µm⁻¹, KrF ≈ 1 µm⁻¹, interpolated linearly in λ between them.
     */
    public static double absorptionPerNm(double wavelengthNm) {
        if (wavelengthNm <= 13.5) {
            return 0.005;
        }
        if (wavelengthNm <= 193) {
            return 0.005 + (0.0015 - 0.005) * (wavelengthNm - 13.5) / (193 - 13.5);
        }
        if (wavelengthNm <= 248) {
            return 0.0015 + (0.001 - 0.0015) * (wavelengthNm - 193) / (248 - 193);
        }
        return 0.001;
    }

    /** Absorbed fraction α = 1 − exp(−a·thickness). */
    public static double absorbedFraction(double wavelengthNm, double thicknessNm) {
        return 1 - Math.exp(-absorptionPerNm(wavelengthNm) * thicknessNm);
    }

    /**
     * Failure probability per feature: the must-clear point (space or hole centre, intensity
     * {@code iClear}) stays closed, or the must-stay point (line centre / between holes, {@code
     * iStay}) clears, at any of {@code voxels} independent critical areas of {@code areaNm2}; the
     * clearing level at dose-to-size is {@code iEdge}. Gaussian tail of the Poisson count,
     * P = Q(margin·√N̄). Returns a value in [0, 1].
     */
    public static double failureProbability(double doseMjCm2, double wavelengthNm, double thicknessNm,
                                            double areaNm2, double iEdge, double iClear, double iStay, int voxels) {
        if (!(iClear > iEdge) || !(iStay < iEdge)) {
            return 1.0; // the image cannot print this feature at any dose
        }
        double photons = doseMjCm2 * photonsPerNm2PerMjCm2(wavelengthNm) * absorbedFraction(wavelengthNm, thicknessNm)
                * areaNm2;
        double nClear = photons * iClear;
        double nStay = photons * Math.max(iStay, 1e-6);
        double pClear = upperTail((1 - iEdge / iClear) * Math.sqrt(nClear));
        double pStay = upperTail((iEdge / Math.max(iStay, 1e-6) - 1) * Math.sqrt(nStay));
        double pVoxel = pClear + pStay - pClear * pStay;
        // 1 − (1 − p)^voxels, written to stay accurate for tiny p.
        return -Math.expm1(voxels * Math.log1p(-Math.min(pVoxel, 1 - 1e-16)));
    }

    /** Q(z) = P(Z > z) for a standard normal, accurate in the far tail (erfc by continued fraction). */
    public static double upperTail(double z) {
        return 0.5 * erfc(z / Math.sqrt(2));
    }

    static double erfc(double x) {
        if (x < 0) {
            return 2 - erfc(-x);
        }
        if (x < 2) {
            // Series for erf: erf(x) = 2/√π Σ (−1)^n x^{2n+1} / (n!(2n+1)).
            double sum = 0;
            double term = x;
            for (int n = 0; n < 60; n++) {
                sum += term / (2 * n + 1);
                term *= -x * x / (n + 1);
            }
            return 1 - 2 / Math.sqrt(Math.PI) * sum;
        }
        // Continued fraction (Lentz) for erfc, x ≥ 2.
        double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int k = 1; k < 200; k++) {
            double a = k / 2.0;
            d = x + a * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = x + a / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-15) {
                break;
            }
        }
        return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
    }
}
