package dev.lto.simulator.spi;

import java.util.List;

/** Images and process-window data of one finished job, for reports. */
public interface SimulationArtifacts {

    String jobId();

    /** Aerial image at the job's focus, normalised so that a clear mask images to 1. */
    ImageArray aerialImage();

    /** Resist latent image (aerial image after acid diffusion), same normalisation and grid. */
    ImageArray resistImage();

    /** Resist-image level at which the resist clears at the job's dose (E_th / dose). */
    double printThreshold();

    /** Target CD of the measured feature, nm. */
    double targetCdNm();

    List<BossungCurve> bossung();

    /** PNG: aerial image with the printed contour (axes in nm, colour bar). */
    byte[] aerialPng();

    /** PNG: resist latent image with the contour at the print threshold (axes in nm, colour bar). */
    byte[] resistPng();

    /** PNG: Bossung curves with the ±10 % CD band. */
    byte[] bossungPng();
}
