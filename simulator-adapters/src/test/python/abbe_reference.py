#!/usr/bin/python3
"""Reference Abbe imaging in NumPy, an independent re-implementation of what Imaging.abbe computes
(the Java Source / SourceCells / Imaging code is the spec): the source is sampled here again as
area-weighted lattice cells (each point weighs the exact area of its cell inside the shape), every
point's pupil is soft at the rim (pass_s(f) = share of the cell, inside the shape, whose shifted
pupil passes f: exact area of square ∩ wedge ∩ annulus ∩ pupil disk, a quadtree where both circles
cross), then the band-limited mask window, batched source points, the exact defocus phase and the
clear-field normalisation Σ w_s pass_s(0)². Reads the raster, the illumination and the Java source
and image written by PhysicsBenchmark; prints best-of-N wall time of the Abbe sum (the soft-rim
table is built once, before the timing, and reported separately), the RMS difference to the Java
image and how far this source sampling is from Java's.
Usage: abbe_reference.py <dir> <reps>"""
import json
import math
import sys
import time

import numpy as np

MAX_DEPTH = 10          # SourceCells.MAX_DEPTH
MIN_CELL_SHARE = 1e-12  # Source.MIN_CELL_SHARE


# ---- cell areas (port of SourceCells) -------------------------------------------------------------

def wedges(shape, half):
    centres = {
        "CONVENTIONAL": None, "ANNULAR": None, "CUSTOM_DISK": None,
        "DIPOLE_X": None if half >= 90 else [0, 180],
        "DIPOLE_Y": None if half >= 90 else [90, -90],
        "QUASAR": None if half >= 45 else [45, 135, -45, -135],
    }[shape]
    if centres is None:
        return [[]]
    out = []
    for c in centres:
        lo = math.radians(c - half)
        hi = math.radians(c + half)
        out.append([(-math.sin(lo), math.cos(lo), 0.0), (math.sin(hi), -math.cos(hi), 0.0)])
    return out


def clip(p, nx, ny, c):
    out = []
    n = len(p)
    for i in range(n):
        xi, yi = p[i]
        xj, yj = p[(i + 1) % n]
        di = nx * xi + ny * yi - c
        dj = nx * xj + ny * yj - c
        if di >= 0:
            out.append((xi, yi))
        if (di >= 0) != (dj >= 0):
            t = di / (di - dj)
            out.append((xi + t * (xj - xi), yi + t * (yj - yi)))
    return out


def poly_area(p):
    s = 0.0
    n = len(p)
    for i in range(n):
        x0, y0 = p[i]
        x1, y1 = p[(i + 1) % n]
        s += x0 * y1 - x1 * y0
    return abs(0.5 * s)


def triangle_disk(ax, ay, bx, by, r):
    dx = bx - ax
    dy = by - ay
    a = dx * dx + dy * dy
    if a == 0:
        return 0.0
    b = 2 * (ax * dx + ay * dy)
    c = ax * ax + ay * ay - r * r
    disc = b * b - 4 * a * c
    ts = [0.0]
    if disc > 0:
        sq = math.sqrt(disc)
        for t in ((-b - sq) / (2 * a), (-b + sq) / (2 * a)):
            if 0 < t < 1:
                ts.append(t)
    ts.append(1.0)
    s = 0.0
    for t0, t1 in zip(ts, ts[1:]):
        px, py = ax + t0 * dx, ay + t0 * dy
        qx, qy = ax + t1 * dx, ay + t1 * dy
        mx, my = 0.5 * (px + qx), 0.5 * (py + qy)
        cross = px * qy - py * qx
        if mx * mx + my * my <= r * r:
            s += 0.5 * cross
        else:
            s += 0.5 * r * r * math.atan2(cross, px * qx + py * qy)
    return s


def poly_disk(p, cx, cy, r):
    s = 0.0
    n = len(p)
    for i in range(n):
        x0, y0 = p[i]
        x1, y1 = p[(i + 1) % n]
        s += triangle_disk(x0 - cx, y0 - cy, x1 - cx, y1 - cy, r)
    return abs(s)


def _outside(box, cx, cy, r):
    min_x, max_x, min_y, max_y = box
    dx = max(0.0, min_x - cx, cx - max_x)
    dy = max(0.0, min_y - cy, cy - max_y)
    return dx * dx + dy * dy >= r * r


def _inside(p, cx, cy, r):
    return all((x - cx) ** 2 + (y - cy) ** 2 <= r * r for x, y in p)


def two_disks(p, x1, y1, r1, x2, y2, r2, depth):
    if len(p) < 3:
        return 0.0
    if r2 is None:
        return poly_disk(p, x1, y1, r1)
    xs = [q[0] for q in p]
    ys = [q[1] for q in p]
    box = (min(xs), max(xs), min(ys), max(ys))
    if _outside(box, x1, y1, r1) or _outside(box, x2, y2, r2):
        return 0.0
    in1 = _inside(p, x1, y1, r1)
    in2 = _inside(p, x2, y2, r2)
    if in1 and in2:
        return poly_area(p)
    if in2:
        return poly_disk(p, x1, y1, r1)
    if in1:
        return poly_disk(p, x2, y2, r2)
    if depth >= MAX_DEPTH:
        a = poly_area(p)
        return 0.0 if a <= 0 else poly_disk(p, x1, y1, r1) * poly_disk(p, x2, y2, r2) / a
    mx = 0.5 * (box[0] + box[1])
    my = 0.5 * (box[2] + box[3])
    s = 0.0
    for sx in (-1, 1):
        half = clip(p, sx, 0, sx * mx)
        for sy in (-1, 1):
            s += two_disks(clip(half, 0, sy, sy * my), x1, y1, r1, x2, y2, r2, depth + 1)
    return s


def cell_area(ill, cx, cy, a, px=0.0, py=0.0, pr=None):
    """Area of the square [cx ± a] × [cy ± a] inside the shape (and the disk (px, py, pr) if given)."""
    square = [(cx - a, cy - a), (cx + a, cy - a), (cx + a, cy + a), (cx - a, cy + a)]
    total = 0.0
    for wedge in wedges(ill["shape"], ill["pole_half_angle_deg"]):
        poly = square
        for nx, ny, c in wedge:
            poly = clip(poly, nx, ny, c)
        if len(poly) < 3:
            continue
        total += two_disks(poly, 0.0, 0.0, ill["sigma_outer"], px, py, pr, 0)
        if ill["sigma_inner"] > 0:
            total -= two_disks(poly, 0.0, 0.0, ill["sigma_inner"], px, py, pr, 0)
    return max(0.0, total)


# ---- source (port of Source.sample and Source.pass) ----------------------------------------------

def sample_source(ill, step):
    """Lattice cells of pitch step (σ) touching the shape, anchored at 0: (sx, sy, area)."""
    a = step / 2
    m = int(math.ceil(ill["sigma_outer"] / step)) + 1
    pts = []
    for j in range(-m, m + 1):
        for i in range(-m, m + 1):
            if j < 0 or (j == 0 and i < 0):
                continue
            area = cell_area(ill, i * step, j * step, a)
            if area > MIN_CELL_SHARE * step * step:
                pts.append((i * step, j * step, area))
                if i != 0 or j != 0:
                    pts.append((-i * step, -j * step, area))
    pts.sort(key=lambda q: (q[1], q[0]))
    arr = np.array(pts)
    return arr[:, 0], arr[:, 1], arr[:, 2]


def pass_table(ill, step, sx, sy, area, fx, fy):
    """pass[s, f]: share of cell s (inside the shape) whose shifted pupil |s' + f| ≤ 1 passes f (σ units)."""
    reach = 0.5 * step * math.sqrt(2)
    u = sx[:, None] + fx[None, :]
    v = sy[:, None] + fy[None, :]
    d2 = u * u + v * v
    out = np.where(d2 <= (1 - reach) ** 2, 1.0, 0.0)
    band = np.nonzero((d2 > (1 - reach) ** 2) & (d2 < (1 + reach) ** 2))
    for s, f in zip(*band):
        a = cell_area(ill, sx[s], sy[s], 0.5 * step, -fx[f], -fy[f], 1.0)
        out[s, f] = min(1.0, a / area[s])
    return out, len(band[0])


# ---- imaging (port of Imaging.maskWindow and Imaging.abbe) ---------------------------------------

def mask_window(raster, big, n):
    spec = np.fft.fft2(raster)
    k = np.fft.fftfreq(n, 1.0 / n).astype(np.int64)  # 0..n/2-1, -n/2..-1
    ok = 2 * np.abs(k) < big
    rows = np.mod(k, big)
    win = spec[np.ix_(rows, rows)] * (float(n * n) / float(big * big))
    win *= np.exp(-1j * np.pi * (k[:, None] + k[None, :]) / big)
    win *= np.outer(ok, ok)
    return win, k


def abbe(win, k, passes, w, sx, sy, clear, cfg):
    n = cfg["image_px"]
    tile = cfg["tile_nm"]
    lam = cfg["wavelength_nm"]
    na = cfg["na"]
    z = cfg["defocus_nm"]
    batch = cfg["batch"]
    fc = na / lam
    fx = (k[None, :] / tile) * np.ones((n, 1))
    fy = (k[:, None] / tile) * np.ones((1, n))
    acc = np.zeros((n, n))
    for start in range(0, len(w), batch):
        amp = passes[start:start + batch].reshape(-1, n, n)
        if z == 0:
            pupil = amp.astype(np.complex128)
        else:
            u = fx[None] + sx[start:start + batch, None, None] * fc
            v = fy[None] + sy[start:start + batch, None, None] * fc
            r2 = u * u + v * v
            phase = 2 * np.pi / lam * z * (1 - np.sqrt(np.maximum(0.0, 1 - lam * lam * r2)))
            pupil = amp * np.exp(1j * phase)
        field = np.fft.ifft2(win[None] * pupil, axes=(1, 2))
        inten = field.real ** 2 + field.imag ** 2
        acc += np.tensordot(w[start:start + batch], inten, axes=(0, 0))
    return acc / clear


def main():
    d = sys.argv[1]
    reps = int(sys.argv[2])
    cfg = json.load(open(d + "/config.json"))
    ill = cfg["illumination"]
    big = cfg["mask_px"]
    n = cfg["image_px"]
    raster = np.fromfile(d + "/raster.f32", dtype="<f4").reshape(big, big)
    java_src = np.fromfile(d + "/source.f64", dtype="<f8").reshape(3, -1)
    java = np.fromfile(d + "/java_image.f32", dtype="<f4").reshape(n, n)

    t0 = time.perf_counter()
    step = cfg["step_sigma"]
    sx, sy, area = sample_source(ill, step)
    w = area / area.sum()
    same_points = len(sx) == java_src.shape[1] and np.allclose(sx, java_src[0], atol=1e-12) \
        and np.allclose(sy, java_src[1], atol=1e-12)
    weight_diff = float(np.max(np.abs(w - java_src[2]))) if same_points else float("nan")
    win, k = mask_window(raster, big, n)
    fc = cfg["na"] / cfg["wavelength_nm"]
    kk = np.fft.fftfreq(n, 1.0 / n)
    fxs = np.tile(kk / cfg["tile_nm"], n) / fc        # row-major [i * n + j]: f_x varies along j
    fys = np.repeat(kk / cfg["tile_nm"], n) / fc
    passes, rim = pass_table(ill, step, sx, sy, area, fxs, fys)
    zero = np.nonzero((fxs == 0) & (fys == 0))[0][0]
    clear = float(np.sum(w * passes[:, zero] ** 2))
    setup = time.perf_counter() - t0

    best = float("inf")
    img = None
    for _ in range(reps):
        t0 = time.perf_counter()
        img = abbe(win, k, passes, w, sx, sy, clear, cfg)
        best = min(best, time.perf_counter() - t0)
    rms = float(np.sqrt(np.mean((img - java) ** 2)))
    print(json.dumps({"seconds": best, "rms_vs_java": rms, "numpy": np.__version__, "source_points": len(sx),
                      "same_points_as_java": bool(same_points), "max_weight_diff": weight_diff,
                      "rim_cells": rim, "setup_seconds": setup}))


if __name__ == "__main__":
    main()
