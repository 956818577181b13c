#!/usr/bin/python3
"""Python reference for the tradeoff engine's latency benchmark (docs/benchmarks.md, "Tradeoff engine").

Same model sizes as the Java first stage: 4 XGBoost boosters x 500 trees (reg:logistic, depth 6), one per
learned target (the four signal intermediates' unit scores, read from the CSV's `intermediates` column), the
seed's MLP (d -> 256 -> BN -> ReLU -> Dropout 0.3 -> 128 -> 64 -> 4) with 100 MC-dropout passes as one batched
forward pass, an exact GP (sklearn, RBF) on the same subset size, the same 23 features and the same
serving steps (features, three models, per-target weights, conformal intervals). Not included: the Java
engine's composition of the six signals from the targets through the adapter's closed-form functions
(9 compositions per job for the signal scales), which has no Python counterpart; the Java figures pay for it. LTO_REF_THREADS threads (default 1) for
BLAS, torch and XGBoost; the Java engine runs one thread per library but splits a batch across the cores,
so compare its batch rate with LTO_REF_THREADS=2 as well.

Usage: [LTO_REF_THREADS=2] /usr/bin/python3 tradeoff_reference.py campaign.csv [gp_points]
Needs Debian's python3-sklearn, python3-xgboost, python3-torch.
"""
import csv, json, math, os, sys, time

THREADS = int(os.environ.get("LTO_REF_THREADS", "1"))
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(THREADS)  # before numpy loads its BLAS, which reads them once
import numpy as np
import torch
import xgboost as xgb
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, WhiteKernel

torch.set_num_threads(THREADS)
torch.set_num_interop_threads(1)
SIGNALS = ["speed_vs_accuracy", "resolution_vs_dof", "cost_vs_fidelity", "surrogate_reliability", "yield_risk", "overall_health"]
K = 4  # learned targets: SignalIntermediates.unitScores


def unit_scores(text):
    """SignalIntermediates.unitScores of the stored physical intermediates [fidelity, DoF nm, p_fail, I_edge*NILS]."""
    fid, dof, p, slope = json.loads(text)
    dof_s = 0.0 if dof <= 10 else min(1.0, max(0.0, math.log(dof / 10) / math.log(200)))
    y = 0.0 if p <= 0 else min(1.0, max(0.0, (math.log10(p) + 14) / 10))
    slope = max(0.0, slope)
    return [min(1.0, max(0.0, fid)), dof_s, y, slope / (1 + slope)]


def share(sigma, d):
    """Closed-form share of a disk source of radius sigma whose order shifted by d passes the unit pupil."""
    r1, r2 = sigma, 1.0
    if d >= r1 + r2:
        return 0.0
    if d <= r2 - r1:
        return 1.0
    a1 = r1 * r1 * math.acos(max(-1, min(1, (d * d + r1 * r1 - r2 * r2) / (2 * d * r1))))
    a2 = r2 * r2 * math.acos(max(-1, min(1, (d * d + r2 * r2 - r1 * r1) / (2 * d * r2))))
    k = 0.5 * math.sqrt(max(0.0, (-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2)))
    return min(1.0, max(0.0, (a1 + a2 - k) / (math.pi * r1 * r1)))
COMPLEXITY = {"SIMPLE": 0, "MODERATE": 1, "COMPLEX": 2, "EXTREME": 3}


def mtf(nu):
    return 0.0 if nu >= 1 else 2 / math.pi * (math.acos(nu) - nu * math.sqrt(1 - nu * nu))


def raw(row, k1):
    na, lam, dose = float(row["na"]), float(row["wavelength_nm"]), float(row["dose_mj_cm2"])
    cls = int(row["job_class"]); k = k1.get(cls, 0.4)
    cd = k * lam / na; dof = 0.5 * lam / (na * na); photons = dose * 0.68 / 13.5 * lam * cd * cd
    sigma, grid = max(float(row["sigma"]), 1e-6), float(row["grid_size_nm"])
    blur = 0.1 * float(row["resist_thickness_nm"]) * na / lam
    return [na, lam, dose, float(row["sigma"]), float(row["resist_thickness_nm"]), grid,
            COMPLEXITY[row["pattern_complexity"]], 1.0 if row["use_ai_surrogate"] == "true" else 0.0, cls,
            k, math.log(cd), math.log(dof), mtf(1 / (4 * k)), na * dose, math.log(lam / na), math.log(photons),
            math.log(grid * na / lam), math.log(dose), math.log(blur), share(sigma, 1 / (2 * k)), share(sigma, 3 / (2 * k)),
            1.0 if 1 / (2 * k) > 1 + sigma else 0.0, math.log(min(2048, 16 * lam / (na * grid)))]


def main():
    rows = list(csv.DictReader(open(sys.argv[1])))
    gp_points = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    k1 = {}
    for r in rows:
        if r["k1"]:
            k1.setdefault(int(r["job_class"]), []).append(float(r["k1"]))
    k1 = {c: sum(v) / len(v) for c, v in k1.items()}
    X = np.array([raw(r, k1) for r in rows], dtype=np.float32)
    Y = np.array([unit_scores(r["intermediates"]) for r in rows], dtype=np.float32)
    mu, sd = X.mean(0), X.std(0); sd[sd < 1e-12] = 1
    Xs = (X - mu) / sd
    d = Xs.shape[1]

    t0 = time.time()
    boosters = [xgb.train({"objective": "reg:logistic", "max_depth": 6, "eta": 0.05, "subsample": 0.8,
                           "colsample_bytree": 0.9, "tree_method": "hist", "nthread": THREADS},
                          xgb.DMatrix(Xs, label=Y[:, s]), 500) for s in range(K)]
    mlp = torch.nn.Sequential(torch.nn.Linear(d, 256), torch.nn.BatchNorm1d(256), torch.nn.ReLU(), torch.nn.Dropout(0.3),
                              torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64), torch.nn.ReLU(),
                              torch.nn.Linear(64, K))
    opt = torch.optim.Adam(mlp.parameters(), 1e-3)
    xt, yt = torch.tensor(Xs), torch.tensor(Y)
    for _ in range(50):  # timing reference only: accuracy is the Java card's business
        perm = torch.randperm(len(xt))
        for i in range(0, len(xt) - 1, 64):
            idx = perm[i:i + 64]
            if len(idx) < 2:
                continue
            opt.zero_grad(); torch.nn.functional.mse_loss(mlp(xt[idx]), yt[idx]).backward(); opt.step()
    mlp.eval()
    sub = np.random.default_rng(7).choice(len(Xs), min(gp_points, len(Xs)), replace=False)
    gps = [GaussianProcessRegressor(RBF(float(np.median(np.linalg.norm(Xs[sub][:, None] - Xs[sub][None], axis=2)))) + WhiteKernel(0.01),
                                    optimizer=None, normalize_y=True).fit(Xs[sub], Y[sub, s]) for s in range(K)]
    train_s = time.time() - t0
    lin1, bn = mlp[0], mlp[1]
    keep = 0.7
    masks = (torch.rand(100, 1, 256, generator=torch.Generator().manual_seed(1)) < keep).float() / keep
    q = np.full(K, 2.0)
    w = np.array([[0.35, 0.40, 0.25]] * K)  # per-target weights (the Java engine fits them; the cost is the same)

    def predict(batch_rows, shap=False):
        x = np.array([raw(r, k1) for r in batch_rows], dtype=np.float32)
        x = (x - mu) / sd
        pxg = np.stack([b.inplace_predict(x) for b in boosters], 1)
        with torch.no_grad():
            h = torch.relu(bn(lin1(torch.tensor(x))))                    # BN in eval mode
            h = (h.unsqueeze(0) * masks).reshape(-1, 256)                # 100 MC passes, one batch
            out = mlp[8](mlp[7](mlp[6](mlp[5](mlp[4](h))))).reshape(100, len(x), K)
            mm, ms = out.mean(0).numpy(), out.std(0).numpy()
        gm = np.zeros((len(x), K)); gs = np.zeros((len(x), K))
        gm[:, 0], gs[:, 0] = gps[0].predict(x, return_std=True)
        for s in range(1, K):
            gm[:, s] = gps[s].predict(x)
            gs[:, s] = gs[:, 0] / gps[0]._y_train_std * gps[s]._y_train_std
        ens = np.clip(w[:, 0] * pxg + w[:, 1] * np.clip(mm, 0, 1) + w[:, 2] * np.clip(gm, 0, 1), 0, 1)
        m3 = (pxg + mm + gm) / 3
        scale = np.sqrt(ms ** 2 + gs ** 2 + ((pxg - m3) ** 2 + (mm - m3) ** 2 + (gm - m3) ** 2) / 3 + 0.002 ** 2)
        lo, hi = np.clip(ens - q * scale, 0, 1), np.clip(ens + q * scale, 0, 1)
        if shap:
            dm = xgb.DMatrix(x)
            contrib = np.mean([np.abs(b.predict(dm, pred_contribs=True)[:, :-1]) for b in boosters], axis=(0, 1))
            return ens, lo, hi, contrib / contrib.sum()
        return ens, lo, hi

    for i in range(300):
        predict([rows[i % len(rows)]], shap=i % 10 == 0)

    def pct(v, p):
        v = sorted(v); return round(v[max(0, min(len(v) - 1, math.ceil(p / 100 * len(v)) - 1))] * 1000, 3)

    single = []
    for i in range(2000):
        t = time.perf_counter(); predict([rows[i % len(rows)]]); single.append(time.perf_counter() - t)
    shap = []
    for i in range(300):
        t = time.perf_counter(); predict([rows[i % len(rows)]], shap=True); shap.append(time.perf_counter() - t)
    batch = [rows[i % len(rows)] for i in range(1000)]
    predict(batch)
    t = time.perf_counter()
    for _ in range(5):
        predict(batch)
    per_s = 5000 / (time.perf_counter() - t)
    print(json.dumps({"engine": "python reference", "threads": THREADS, "xgboost": xgb.__version__, "torch": torch.__version__,
                      "train_s": round(train_s, 1), "gp_points": int(len(sub)), "single_p50_ms": pct(single, 50),
                      "single_p99_ms": pct(single, 99), "shap_p50_ms": pct(shap, 50), "shap_p99_ms": pct(shap, 99),
                      "batch_size": 1000, "batch_predictions_per_s": round(per_s), "load_average_1m": os.getloadavg()[0]},
                     indent=2))


if __name__ == "__main__":
    main()
