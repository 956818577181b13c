package dev.lto.simulator.spi;

/**
 * A square or rectangular image on a regular grid, row-major ({@code values[row * width + col]}),
 * row 0 at y = 0. {@code pixelNm} is the sampling pitch on the wafer.
 */
public record ImageArray(int width, int height, double pixelNm, float[] values) {

    public ImageArray {
        if (values.length != (long) width * height) {
            throw new IllegalArgumentException("values has " + values.length + " entries, expected " + width * height);
        }
    }

    public float at(int row, int col) {
        return values[row * width + col];
    }
}
