package dev.lto.simulator.physics.optics;

/**
 * Everything the imaging kernels depend on, and nothing the mask does: wavelength and NA, defocus
 * (nm, + is away from the lens), the sampled source, and the tile/grid. Used as the SOCS cache key.
 */
public record OpticalSetting(double wavelengthNm, double na, double defocusNm, IlluminationSpec illumination,
                             double sourceStepSigma, double tileNm, int imagePx) {

    public double cutoff() {
        return na / wavelengthNm;
    }
}
