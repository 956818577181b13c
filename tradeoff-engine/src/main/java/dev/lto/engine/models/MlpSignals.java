package dev.lto.engine.models;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's MLP (input → 256 → BatchNorm → ReLU → Dropout → 128 → ReLU → 64 → ReLU → 6), trained
 * in DJL (PyTorch engine) with Adam, L2 loss and early stopping on the validation split.
 *
 * <p>Inference does not call the block: MC dropout needs dropout <em>on</em> while BatchNorm uses
 * its running statistics, and DJL's one {@code training} flag switches both. So the first layer
 * (BatchNorm folded into it) runs once per row, then the P dropout masks and the remaining layers.
 * Serving runs this in Java ({@link MlpForward}) on a copy of the trained weights; the libtorch
 * version ({@link #predictLibtorch}: one batched pass over (P·rows) × 256) is the reference it is
 * checked against whenever a model is built or loaded, and what serves if that check fails.
 *
 * <p>The P dropout masks are drawn once per model (seeded) and reused for every call: each row's
 * MC estimate still averages over P independent masks, but the same job always gets the same
 * answer (reproducible predictions, testable round trips) and no random numbers are drawn per call.
 */
public final class MlpSignals implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MlpSignals.class);
    static final float BN_EPSILON = 1e-5f; // DJL BatchNorm default

    static {
        // Nothing may be downloaded at run time: libtorch comes from pytorch-native-cpu.
        System.setProperty("ai.djl.offline", "true");
    }

    private final NDManager manager;
    private final byte[] parameters;
    private final float keep;
    private final NDArray w1;
    private final NDArray b1;
    private final NDArray w2;
    private final NDArray b2;
    private final NDArray w3;
    private final NDArray b3;
    private final NDArray w4;
    private final NDArray b4;
    private final java.util.concurrent.ConcurrentHashMap<Integer, NDArray> masks = new java.util.concurrent.ConcurrentHashMap<>();
    /** Per pass count: the units each of the same P masks drops (what the Java path iterates). */
    private final java.util.concurrent.ConcurrentHashMap<Integer, int[][]> droppedUnits = new java.util.concurrent.ConcurrentHashMap<>();
    private static final long MASK_SEED = 0x4D43_44524F50L; // "MCDROP"
    /**
     * Largest |Java − libtorch| accepted on a probe row's MC mean or sd. Both compute in float; they
     * differ only in the order of the sums (libtorch's GEMM blocks them), a few float ulps of
     * hidden activations ≈ 1e-6 on outputs of order 1.
     */
    static final double AGREEMENT = 1e-5;
    private static final int PROBES = 64;
    private static final int PROBE_PASSES = 20;
    /** The Java copy of the network, or null when it failed its check (serving then uses libtorch). */
    private final MlpForward forward;
    /** Epochs trained and best validation MSE (training only; -1 after a load). */
    public final int epochs;
    final double validationMse;

    private MlpSignals(NDManager manager, Block block, byte[] parameters, float dropout, int epochs, double valMse) {
        this.manager = manager;
        this.parameters = parameters;
        this.keep = 1 - dropout;
        this.epochs = epochs;
        this.validationMse = valMse;
        var children = block.getChildren();
        Block l1 = children.get(0).getValue();
        Block bn = children.get(1).getValue();
        // Linear weights are (out, in); fold BatchNorm: y = (xW₁ᵀ + b₁ − μ)·γ/√(σ²+ε) + β.
        NDArray gamma = param(bn, "gamma");
        NDArray beta = param(bn, "beta");
        NDArray mean = param(bn, "runningMean");
        NDArray var = param(bn, "runningVar");
        NDArray scale = gamma.div(var.add(BN_EPSILON).sqrt());
        this.w1 = param(l1, "weight").transpose().mul(scale).duplicate();
        this.b1 = param(l1, "bias").sub(mean).mul(scale).add(beta).duplicate();
        this.w2 = param(children.get(4).getValue(), "weight").transpose().duplicate();
        this.b2 = param(children.get(4).getValue(), "bias").duplicate();
        this.w3 = param(children.get(6).getValue(), "weight").transpose().duplicate();
        this.b3 = param(children.get(6).getValue(), "bias").duplicate();
        this.w4 = param(children.get(8).getValue(), "weight").transpose().duplicate();
        this.b4 = param(children.get(8).getValue(), "bias").duplicate();
        for (NDArray a : new NDArray[] {w1, b1, w2, b2, w3, b3, w4, b4}) {
            a.attach(manager);
        }
        this.forward = javaForward(children, gamma, beta, mean, var);
    }

    /**
     * The Java copy of the network, BatchNorm folded exactly as above (same float operations, so the
     * same bits), checked against libtorch on seeded probe rows.
     */
    private MlpForward javaForward(ai.djl.nn.BlockList children, NDArray gamma,
                                   NDArray beta, NDArray mean, NDArray var) {
        try {
            float[] g = gamma.toFloatArray();
            float[] be = beta.toFloatArray();
            float[] mu = mean.toFloatArray();
            float[] v = var.toFloatArray();
            Block l1 = children.get(0).getValue();
            int width = g.length;
            int in = (int) param(l1, "weight").getShape().get(1);
            float[][] w1 = inputMajor(param(l1, "weight"));
            float[] b1 = param(l1, "bias").toFloatArray();
            for (int o = 0; o < width; o++) {
                float s = g[o] / (float) Math.sqrt(v[o] + BN_EPSILON);  // sqrt in double, rounded once: = sqrtf
                for (int k = 0; k < in; k++) {
                    w1[k][o] *= s;
                }
                b1[o] = (b1[o] - mu[o]) * s + be[o];
            }
            MlpForward f = new MlpForward(w1, b1,
                    inputMajor(param(children.get(4).getValue(), "weight")), param(children.get(4).getValue(), "bias").toFloatArray(),
                    inputMajor(param(children.get(6).getValue(), "weight")), param(children.get(6).getValue(), "bias").toFloatArray(),
                    inputMajor(param(children.get(8).getValue(), "weight")), param(children.get(8).getValue(), "bias").toFloatArray());
            float[] probe = XgbSignals.probes(PROBES, in);
            for (int i = 0; i < probe.length; i++) {
                probe[i] = Float.isNaN(probe[i]) ? 0f : probe[i];   // NaN is XGBoost's missing value, not an MLP input
            }
            double[][][] expected = predictLibtorch(probe, PROBES, in, PROBE_PASSES);
            double[][][] actual = f.predict(probe, PROBES, dropped(PROBE_PASSES, width), 1f / keep);
            double worst = Math.max(XgbSignals.maxAbsDifference(expected[0], actual[0]),
                    XgbSignals.maxAbsDifference(expected[1], actual[1]));
            if (!(worst <= AGREEMENT)) {
                log.warn("MLP in Java differs from libtorch by {} on probe rows; serving with libtorch", worst);
                return null;
            }
            return f;
        } catch (RuntimeException e) {
            log.warn("MLP cannot run in Java ({}); serving with libtorch", e.toString());
            return null;
        }
    }

    /** A DJL Linear weight (out × in, contiguous) as one row of {@code out} weights per input. */
    private static float[][] inputMajor(NDArray weight) {
        int out = (int) weight.getShape().get(0);
        int in = (int) weight.getShape().get(1);
        float[] w = weight.toFloatArray();
        float[][] t = new float[in][out];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < in; k++) {
                t[k][o] = w[o * in + k];
            }
        }
        return t;
    }

    /** Whether serving runs the MLP in Java (else libtorch). */
    boolean servesInJava() {
        return forward != null;
    }

    private static NDArray param(Block b, String name) {
        return b.getParameters().get(name).getArray();
    }

    static SequentialBlock block(int outputs, float dropout) {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(256).build())
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(Dropout.builder().optRate(dropout).build())
                .add(Linear.builder().setUnits(128).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(64).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(outputs).build());
    }

    public static MlpSignals train(float[] x, int n, float[] xVal, int nVal, int d, double[][] y, double[][] yVal,
                            ModelSettings.Mlp cfg) {
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed(cfg.seed());
        int outputs = y[0].length;
        SequentialBlock block = block(outputs, (float) cfg.dropout());
        try (Model model = Model.newInstance("lto-mlp", "PyTorch")) {
            model.setBlock(block);
            NDManager m = model.getNDManager();
            NDArray xt = m.create(x, new Shape(n, d));
            NDArray yt = m.create(flat(y), new Shape(n, outputs));
            NDArray xv = m.create(xVal, new Shape(nVal, d));
            NDArray yv = m.create(flat(yVal), new Shape(nVal, outputs));
            int batch = Math.max(2, Math.min(cfg.batchSize(), n));
            // dropLast: BatchNorm cannot train on a batch of one.
            ArrayDataset data = new ArrayDataset.Builder().setData(xt).optLabels(yt).setSampling(batch, true, true).build();
            DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) cfg.learningRate())).build());
            byte[] best = null;
            double bestMse = Double.POSITIVE_INFINITY;
            int sinceBest = 0;
            int epoch = 0;
            try (Trainer trainer = model.newTrainer(tc)) {
                trainer.initialize(new Shape(batch, d));
                ParameterStore ps = new ParameterStore(m, false);
                for (epoch = 1; epoch <= cfg.maxEpochs(); epoch++) {
                    for (Batch b : trainer.iterateDataset(data)) {
                        try (b) {
                            EasyTrain.trainBatch(trainer, b);
                            trainer.step();
                        }
                    }
                    double mse;
                    try (NDManager sub = m.newSubManager()) {
                        NDArray xv2 = xv.duplicate();
                        xv2.attach(sub);
                        NDArray p = block.forward(ps, new NDList(xv2), false).singletonOrThrow();
                        mse = p.sub(yv).square().mean().getFloat();
                    }
                    if (mse < bestMse - 1e-7) {
                        bestMse = mse;
                        best = save(block);
                        sinceBest = 0;
                    } else if (++sinceBest >= cfg.patience()) {
                        break;
                    }
                }
            } catch (TranslateException e) {
                throw new IllegalStateException("MLP training failed", e);
            }
            log.info("MLP: {} epochs, best validation MSE {}", Math.min(epoch, cfg.maxEpochs()), String.format("%.5f", bestMse));
            return load(best, d, outputs, (float) cfg.dropout(), Math.min(epoch, cfg.maxEpochs()), bestMse);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static MlpSignals load(byte[] params, int d, int outputs, float dropout) {
        return load(params, d, outputs, dropout, -1, Double.NaN);
    }

    private static MlpSignals load(byte[] params, int d, int outputs, float dropout, int epochs, double valMse) {
        NDManager manager = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice(), "PyTorch");
        try (NDManager tmp = manager.newSubManager()) {
            SequentialBlock block = block(outputs, dropout);
            block.initialize(tmp, DataType.FLOAT32, new Shape(1, d));
            block.loadParameters(tmp, new DataInputStream(new ByteArrayInputStream(params)));
            return new MlpSignals(manager, block, params, dropout, epochs, valMse);
        } catch (IOException e) {
            manager.close();
            throw new UncheckedIOException(e);
        } catch (MalformedModelException e) {
            manager.close();
            throw new IllegalStateException("MLP parameters do not fit the architecture", e);
        }
    }

    private static byte[] save(Block block) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        block.saveParameters(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    /** DJL parameter file of the trained block. */
    public byte[] parameters() {
        return parameters;
    }

    /** MC-dropout mean and standard deviation per row and signal: [0] mean, [1] sd. */
    double[][][] predict(float[] x, int n, int d, int passes) {
        if (forward != null && d == forward.in()) {
            return forward.predict(x, n, dropped(passes, forward.h1()), 1f / keep);
        }
        return predictLibtorch(x, n, d, passes);
    }

    /** The same in libtorch: the reference the Java path is checked against. */
    double[][][] predictLibtorch(float[] x, int n, int d, int passes) {
        try (NDManager m = manager.newSubManager()) {
            NDArray in = m.create(x, new Shape(n, d));
            NDArray h1 = in.matMul(w1).add(b1).maximum(0f);                       // n × 256, deterministic
            long width = h1.getShape().get(1);
            // P masks at once: (P, n, 256) → (P·n, 256); inverted dropout keeps the expectation.
            NDArray h = h1.expandDims(0).mul(masks(passes, (int) width)).reshape(new Shape((long) passes * n, width));
            h = h.matMul(w2).add(b2).maximum(0f);
            h = h.matMul(w3).add(b3).maximum(0f);
            NDArray out = h.matMul(w4).add(b4).reshape(new Shape(passes, n, -1));  // P × n × 6
            NDArray mean = out.mean(new int[] {0});
            NDArray sd = out.sub(mean.expandDims(0)).square().mean(new int[] {0}).sqrt();
            float[] mu = mean.toFloatArray();
            float[] s = sd.toFloatArray();
            int k = (int) out.getShape().get(2);
            double[][][] r = new double[2][n][k];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < k; j++) {
                    r[0][i][j] = mu[i * k + j];
                    r[1][i][j] = s[i * k + j];
                }
            }
            return r;
        }
    }

    /** P inverted-dropout masks (0 or 1/keep), shape (P, 1, width), drawn once from a fixed seed. */
    private NDArray masks(int passes, int width) {
        return masks.computeIfAbsent(passes, p -> manager.create(maskValues(p, width), new Shape(p, 1, width)));
    }

    /** The same P masks as the units each pass drops (each unit dropped with probability 1 − keep). */
    int[][] dropped(int passes, int width) {
        return droppedUnits.computeIfAbsent(passes, p -> {
            float[] v = maskValues(p, width);
            int[][] dropped = new int[p][];
            for (int i = 0; i < p; i++) {
                int c = 0;
                int[] units = new int[width];
                for (int u = 0; u < width; u++) {
                    if (v[i * width + u] == 0f) {
                        units[c++] = u;
                    }
                }
                dropped[i] = java.util.Arrays.copyOf(units, c);
            }
            return dropped;
        });
    }

    /** Mask values, pass-major: Bernoulli(keep) from the fixed seed, 1/keep where kept (inverted dropout), else 0. */
    private float[] maskValues(int passes, int width) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(MASK_SEED);
        float[] v = new float[passes * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextDouble() < keep ? 1f / keep : 0f;
        }
        return v;
    }

    private static float[] flat(double[][] y) {
        int k = y[0].length;
        float[] f = new float[y.length * k];
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < k; j++) {
                f[i * k + j] = (float) y[i][j];
            }
        }
        return f;
    }

    @Override
    public void close() {
        manager.close();
    }
}
