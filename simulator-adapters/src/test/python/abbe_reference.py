#!/usr/bin/python3
"""Reference Abbe imaging in NumPy, the same algorithm as Imaging.abbe (band-limited window,
batched source points, exact defocus phase, clear-field normalisation). Reads the raster and the
source written by PhysicsBenchmark, prints best-of-N wall time and the RMS difference to the Java
image. Usage: abbe_reference.py <dir> <reps>"""
import json
import sys
import time

import numpy as np


def abbe(raster, cfg, sx, sy, w):
    big = cfg["mask_px"]
    n = cfg["image_px"]
    tile = cfg["tile_nm"]
    lam = cfg["wavelength_nm"]
    na = cfg["na"]
    z = cfg["defocus_nm"]
    batch = cfg["batch"]
    spec = np.fft.fft2(raster)
    k = np.fft.fftfreq(n, 1.0 / n).astype(np.int64)  # 0..n/2-1, -n/2..-1
    ok = 2 * np.abs(k) < big
    rows = np.mod(k, big)
    win = spec[np.ix_(rows, rows)] * (float(n * n) / float(big * big))
    win *= np.exp(-1j * np.pi * (k[:, None] + k[None, :]) / big)
    win *= np.outer(ok, ok)
    fx = (k[None, :] / tile) * np.ones((n, 1))
    fy = (k[:, None] / tile) * np.ones((1, n))
    fc = na / lam
    acc = np.zeros((n, n))
    for start in range(0, len(sx), batch):
        bx = sx[start:start + batch, None, None] * fc
        by = sy[start:start + batch, None, None] * fc
        u = fx[None] + bx
        v = fy[None] + by
        r2 = u * u + v * v
        inside = r2 <= fc * fc * (1 + 1e-6)
        if z == 0:
            pupil = inside.astype(np.complex64)
        else:
            phase = 2 * np.pi / lam * z * (1 - np.sqrt(np.maximum(0.0, 1 - lam * lam * r2)))
            pupil = inside * np.exp(1j * phase)
        field = np.fft.ifft2(win[None] * pupil, axes=(1, 2))
        inten = field.real ** 2 + field.imag ** 2
        acc += np.tensordot(w[start:start + batch], inten, axes=(0, 0))
    clear = w[np.hypot(sx, sy) <= 1 + 1e-6].sum()
    return acc / clear


def main():
    d = sys.argv[1]
    reps = int(sys.argv[2])
    cfg = json.load(open(d + "/config.json"))
    big = cfg["mask_px"]
    raster = np.fromfile(d + "/raster.f32", dtype="<f4").reshape(big, big)
    src = np.fromfile(d + "/source.f64", dtype="<f8").reshape(3, -1)
    java = np.fromfile(d + "/java_image.f32", dtype="<f4").reshape(cfg["image_px"], cfg["image_px"])
    best = float("inf")
    img = None
    for _ in range(reps):
        t0 = time.perf_counter()
        img = abbe(raster, cfg, src[0], src[1], src[2])
        best = min(best, time.perf_counter() - t0)
    rms = float(np.sqrt(np.mean((img - java) ** 2)))
    print(json.dumps({"seconds": best, "rms_vs_java": rms, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
