"""What limits the ensemble's components? An offline study on an exported campaign (analysis only;
the product never runs Python). Uses Debian's python3-numpy/-scipy/-sklearn/-xgboost/-torch.

    /usr/bin/python3 intelligence-service/src/test/python/component_study.py data/holdout1000.csv

Splits the jobs 70/30 (seeded), standardises FeatureEncoder's 18 features (tradeoff_reference.raw), and reports the
validation MAE and accuracy (|err| <= 0.05, ML.md) of: the isotropic RBF GP the service uses (length
= multiples of the median pairwise distance, three noise levels), XGBoost (the service's settings),
one ARD RBF kernel shared by the six signals, one ARD kernel per signal (both fitted by maximum
marginal likelihood), and the seed's MLP in PyTorch (same training settings as the service; a check
that the DJL-trained MLP's accuracy is the architecture's on this much data, not a training bug).
"""
import csv
import os
import sys
import time
import warnings

import numpy as np
import torch
import xgboost as xgb
from scipy.spatial.distance import pdist
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel as C, WhiteKernel

warnings.filterwarnings("ignore")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tradeoff_reference import SIGNALS, raw  # the 18 features of FeatureEncoder, as the latency reference computes them
def report(name, pred, truth, extra=""):
    e = np.abs(pred - truth)
    print(f"{name}: MAE {e.mean():.4f} accuracy {(e <= 0.05).mean():.3f} per signal {np.round((e <= 0.05).mean(0), 3)} {extra}")


rows = list(csv.DictReader(open(sys.argv[1])))
idx = np.random.default_rng(1).permutation(len(rows))
tr, va = idx[: int(0.7 * len(rows))], idx[int(0.7 * len(rows)):]
k1 = {}
for i in tr:  # pattern k1 per job class, learned from the fitting jobs only (FeatureEncoder: from TRAIN)
    if rows[i]["k1"]:
        k1.setdefault(int(rows[i]["job_class"]), []).append(float(rows[i]["k1"]))
k1 = {c: sum(v) / len(v) for c, v in k1.items()}
X = np.array([raw(r, k1) for r in rows])
Y = np.array([[float(r[s]) for s in SIGNALS] for r in rows])
Xs = (X - X[tr].mean(0)) / (X[tr].std(0) + 1e-12)
med = np.median(pdist(Xs[tr][:400]))
print(f"{len(tr)} train / {len(va)} validation jobs; median pairwise distance {med:.3f}")

for m in [0.25, 0.5, 1.0]:
    for noise in [1e-3, 1e-2, 1e-1]:
        k = C(1.0, "fixed") * RBF(m * med, "fixed") + WhiteKernel(noise, "fixed")
        g = GaussianProcessRegressor(k, normalize_y=True, optimizer=None).fit(Xs[tr], Y[tr])
        report(f"isotropic RBF, length {m} x median, noise {noise:g}", g.predict(Xs[va]), Y[va])

P = np.zeros_like(Y[va])
for j in range(6):
    b = xgb.XGBRegressor(n_estimators=500, max_depth=6, learning_rate=0.05, objective="reg:logistic", nthread=1)
    P[:, j] = b.fit(Xs[tr], Y[tr][:, j]).predict(Xs[va])
report("XGBoost 500 trees", P, Y[va])


def ard():
    return C(1.0) * RBF(length_scale=np.full(X.shape[1], 3.0), length_scale_bounds=(0.05, 1e3)) + WhiteKernel(1e-2, (1e-6, 1))


t = time.time()
g = GaussianProcessRegressor(ard(), normalize_y=True, random_state=0).fit(Xs[tr], Y[tr])
report("ARD RBF shared by the six signals", g.predict(Xs[va]), Y[va], f"({time.time() - t:.0f} s)")

t = time.time()
P = np.zeros_like(Y[va])
for j in range(6):
    P[:, j] = GaussianProcessRegressor(ard(), normalize_y=True, random_state=0).fit(Xs[tr], Y[tr][:, j]).predict(Xs[va])
report("ARD RBF per signal", P, Y[va], f"({time.time() - t:.0f} s)")


def mlp():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(X.shape[1], 256), torch.nn.BatchNorm1d(256), torch.nn.ReLU(),
                              torch.nn.Dropout(0.3), torch.nn.Linear(256, 128), torch.nn.ReLU(),
                              torch.nn.Linear(128, 64), torch.nn.ReLU(), torch.nn.Linear(64, 6))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    fit, stop = tr[:600], tr[600:]  # early stopping on jobs of its own, never on the scored ones
    xt, yt = torch.tensor(Xs[fit], dtype=torch.float32), torch.tensor(Y[fit], dtype=torch.float32)
    xv, yv = torch.tensor(Xs[stop], dtype=torch.float32), torch.tensor(Y[stop], dtype=torch.float32)
    best, bad, state, epoch = float("inf"), 0, None, 0
    for epoch in range(1, 401):  # ≤ 400 epochs, batch 64, early stopping with patience 25 (lto.models.mlp.*)
        net.train()
        perm = torch.randperm(len(xt))
        for i in range(0, len(xt), 64):
            b = perm[i:i + 64]
            if len(b) > 1:
                opt.zero_grad()
                ((net(xt[b]) - yt[b]) ** 2).mean().backward()
                opt.step()
        net.eval()
        with torch.no_grad():
            v = ((net(xv) - yv) ** 2).mean().item()
        if v < best:
            best, bad, state = v, 0, {k: t.clone() for k, t in net.state_dict().items()}
        else:
            bad += 1
            if bad >= 25:
                break
    net.load_state_dict(state)
    net.eval()
    with torch.no_grad():
        return np.clip(net(torch.tensor(Xs[va], dtype=torch.float32)).numpy(), 0, 1), epoch


P, epochs = mlp()
report("MLP (seed architecture, PyTorch; 600 fit, 100 early stopping)", P, Y[va], f"(stopped after {epochs} epochs)")
