package dev.lto.simulator.spi;

/**
 * A surrogate audit of one job: its aerial image at the job's focus computed on the surrogate path
 * (SOCS kernels) and on the full Abbe path, and their difference. Images are normalised to a clear
 * field of 1, so the RMSE is a fraction of the clear-field intensity (0.032 = 3.2 %).
 *
 * @param rmse           √(mean over the image grid of (I_socs − I_abbe)²), clear-field units
 * @param nominalRmse    the surrogate error the adapter assumes when nothing measured it (its closed
 *                       form from the truncated eigenvalue tail), same units
 * @param abbeSeconds    wall time of the Abbe image alone (the audit's extra cost over the job)
 * @param seconds        wall time of the whole audit on the calling thread (setup, both images, RMSE)
 * @param imagePx        image grid side the RMSE was taken over
 * @param simulatorVersion the adapter version that computed both images
 */
public record SurrogateAudit(double rmse, double nominalRmse, double abbeSeconds, double seconds, int imagePx,
                             String simulatorVersion) {
}
