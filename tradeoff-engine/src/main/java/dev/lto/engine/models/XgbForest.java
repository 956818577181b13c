package dev.lto.engine.models;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The trained XGBoost boosters evaluated in plain Java, for serving. The boosters stay the source of
 * truth (they are what is trained, stored and explained); this is a read-only copy of their trees,
 * taken from XGBoost's own JSON model ({@code Booster.toByteArray("json")}) when a model is built or
 * loaded, and checked against {@code inplace_predict} before it is used ({@link XgbSignals}).
 *
 * <p>Why: one {@code inplace_predict} call costs ≈ 0.1 ms of JNI, proxy-DMatrix and OpenMP set-up
 * whatever the work, and serving needs six per prediction; walking 6 × 500 trees of depth ≤ 6 in
 * Java is a few thousand array reads.
 *
 * <p>It computes what XGBoost 3.x's CPU predictor computes, in the same float arithmetic: the margin
 * starts at the base margin, {@code ProbToMargin(base_score) = −ln(1/base_score − 1)} for
 * {@code reg:logistic}, and each tree's leaf value is added in tree order (float accumulator, as
 * {@code cpu_predictor.cc} does); a numerical split sends x to the left child when {@code x < split}
 * and a missing (NaN) value along {@code default_left}; {@code reg:logistic} then applies
 * {@code common::Sigmoid}: 1 / (exp(min(−m, 88.7)) + 1 + 1e-16) in float. Only what this engine trains
 * is supported (one target, one tree per round, numerical splits, {@code reg:logistic} or an
 * identity-link regression objective); {@link #parse} refuses anything else and serving then stays on
 * XGBoost.
 */
final class XgbForest {

    /** XGBoost's {@code common::Sigmoid} clamp of the exponent (float exp overflows above ≈ 88.72). */
    private static final float SIGMOID_EXP_MAX = 88.7f;
    /** Rows evaluated together: one tree's nodes stay in L1 while they pass through it. */
    private static final int ROW_BLOCK = 64;
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS) // parse "1.2E-1" straight to the float XGBoost wrote
            .build();

    /** Per signal: the root node index of each tree, in boosting order. */
    private final int[][] roots;
    /** Per signal: each tree's depth (edges on its longest root-to-leaf path). */
    private final int[][] depths;
    /**
     * Per node (all trees of all signals), laid out so that a node's children are adjacent: the left
     * child at {@code child[n]}, the right one at {@code child[n] + 1}. A leaf points to itself with
     * feature 0 and threshold +∞, so that for finite inputs a walk of exactly the tree's depth ends on
     * the leaf whatever its depth: no data-dependent branch, which is what makes the walk fast.
     */
    private final int[] feature;
    private final float[] threshold;
    private final int[] child;
    /** Per node: leaf value (leaves only). */
    private final float[] leafValue;
    /** Per node: whether it is a leaf, and where a missing (NaN) value goes, for the rows that have one. */
    private final boolean[] leaf;
    private final boolean[] defaultLeft;
    /** Per signal: the initial margin. */
    private final float[] baseMargin;
    /** Per signal: whether the objective's link is the sigmoid (else identity). */
    private final boolean[] logistic;
    private final int features;

    private XgbForest(int[][] roots, int[][] depths, Nodes nodes, float[] baseMargin, boolean[] logistic, int features) {
        this.roots = roots;
        this.depths = depths;
        this.feature = nodes.feature.stream().mapToInt(Integer::intValue).toArray();
        this.child = nodes.child.stream().mapToInt(Integer::intValue).toArray();
        this.threshold = floats(nodes.threshold);
        this.leafValue = floats(nodes.leafValue);
        this.leaf = booleans(nodes.leaf);
        this.defaultLeft = booleans(nodes.defaultLeft);
        this.baseMargin = baseMargin;
        this.logistic = logistic;
        this.features = features;
    }

    /**
     * Reads the boosters' JSON models (one per signal). Throws {@link IllegalArgumentException} for a
     * model this evaluator does not reproduce.
     */
    static XgbForest parse(List<byte[]> jsonModels, int features) {
        int signals = jsonModels.size();
        int[][] roots = new int[signals][];
        int[][] depths = new int[signals][];
        float[] baseMargin = new float[signals];
        boolean[] logistic = new boolean[signals];
        Nodes nodes = new Nodes();
        for (int s = 0; s < signals; s++) {
            JsonNode learner = JSON.readTree(jsonModels.get(s)).path("learner");
            JsonNode param = learner.path("learner_model_param");
            require(param.path("num_target").asInt(1) == 1, "multi-target model");
            require(param.path("num_class").asInt(0) == 0, "multi-class model");
            require(param.path("num_feature").asInt(-1) == features, "feature count");
            String objective = learner.path("objective").path("name").asString("");
            float baseScore = Float.parseFloat(param.path("base_score").asString("").replace("[", "").replace("]", ""));
            switch (objective) {
                case "reg:logistic", "binary:logistic" -> {
                    logistic[s] = true;
                    // LogisticRegression::ProbToMargin, in float as XGBoost computes it.
                    baseMargin[s] = (float) -Math.log(1.0f / baseScore - 1.0f);
                }
                case "reg:squarederror", "reg:absoluteerror", "reg:pseudohubererror" -> baseMargin[s] = baseScore;
                default -> throw new IllegalArgumentException("objective " + objective + " not reproduced");
            }
            JsonNode booster = learner.path("gradient_booster");
            require("gbtree".equals(booster.path("name").asString("")), "booster " + booster.path("name"));
            JsonNode model = booster.path("model");
            require(model.path("gbtree_model_param").path("num_parallel_tree").asInt(1) == 1, "parallel trees");
            for (JsonNode info : model.path("tree_info").values()) {
                require(info.asInt() == 0, "tree group");
            }
            JsonNode trees = model.path("trees");
            roots[s] = new int[trees.size()];
            depths[s] = new int[trees.size()];
            for (int t = 0; t < trees.size(); t++) {
                roots[s][t] = nodes.feature.size();
                depths[s][t] = nodes.add(trees.get(t), features);
            }
        }
        return new XgbForest(roots, depths, nodes, baseMargin, logistic, features);
    }

    int signals() {
        return roots.length;
    }

    /** Predictions, rows × signals, of {@code n} rows of {@code features} floats (row-major). */
    double[][] predict(float[] x, int n) {
        double[][] out = new double[n][roots.length];
        float[] margin = new float[ROW_BLOCK];
        boolean[] finite = new boolean[n];
        for (int i = 0; i < n; i++) {
            boolean f = true;
            for (int j = 0; j < features; j++) {
                f &= Float.isFinite(x[i * features + j]);
            }
            finite[i] = f;
        }
        for (int s = 0; s < roots.length; s++) {
            int[] treeRoots = roots[s];
            int[] treeDepths = depths[s];
            for (int r0 = 0; r0 < n; r0 += ROW_BLOCK) {
                int rows = Math.min(ROW_BLOCK, n - r0);
                java.util.Arrays.fill(margin, 0, rows, baseMargin[s]);
                for (int t = 0; t < treeRoots.length; t++) {
                    int root = treeRoots[t];
                    int depth = treeDepths[t];
                    for (int i = 0; i < rows; i++) {
                        int offset = (r0 + i) * features;
                        int node = finite[r0 + i] ? walk(root, depth, x, offset) : walkMissing(root, x, offset);
                        margin[i] += leafValue[node];               // float accumulation in tree order, as XGBoost
                    }
                }
                for (int i = 0; i < rows; i++) {
                    out[r0 + i][s] = logistic[s] ? sigmoid(margin[i]) : margin[i];
                }
            }
        }
        return out;
    }

    /** The leaf a finite row reaches: x < split goes left (child), else right (child + 1); leaves stay put. */
    private int walk(int node, int depth, float[] x, int offset) {
        for (int d = 0; d < depth; d++) {
            node = child[node] + (x[offset + feature[node]] < threshold[node] ? 0 : 1);
        }
        return node;
    }

    /** The same for a row with a NaN (missing, XGBoost's default direction) or infinite value. */
    private int walkMissing(int node, float[] x, int offset) {
        while (!leaf[node]) {
            float v = x[offset + feature[node]];
            float split = threshold[node];
            node = v < split ? child[node] : v >= split ? child[node] + 1 : defaultLeft[node] ? child[node] : child[node] + 1;
        }
        return node;
    }

    /** XGBoost's {@code common::Sigmoid(float)}. */
    static float sigmoid(float margin) {
        float e = (float) Math.exp(Math.min(-margin, SIGMOID_EXP_MAX));
        return 1.0f / (e + 1.0f + 1e-16f);
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException("XGBoost model not reproduced in Java: " + what);
        }
    }

    private static float[] floats(List<Float> v) {
        float[] a = new float[v.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = v.get(i);
        }
        return a;
    }

    private static boolean[] booleans(List<Boolean> v) {
        boolean[] a = new boolean[v.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = v.get(i);
        }
        return a;
    }

    /** Growing node arrays of all trees, re-laid out breadth first with sibling nodes adjacent. */
    private static final class Nodes {
        final List<Integer> feature = new ArrayList<>();
        final List<Float> threshold = new ArrayList<>();
        final List<Integer> child = new ArrayList<>();
        final List<Float> leafValue = new ArrayList<>();
        final List<Boolean> leaf = new ArrayList<>();
        final List<Boolean> defaultLeft = new ArrayList<>();

        /** Appends one tree (its root first); returns its depth. */
        int add(JsonNode tree, int features) {
            JsonNode l = tree.path("left_children");
            JsonNode r = tree.path("right_children");
            JsonNode idx = tree.path("split_indices");
            JsonNode cond = tree.path("split_conditions");
            JsonNode dl = tree.path("default_left");
            JsonNode type = tree.path("split_type");
            int n = l.size();
            require(n > 0 && r.size() == n && idx.size() == n && cond.size() == n && dl.size() == n, "tree arrays");
            require(tree.path("tree_param").path("size_leaf_vector").asInt(1) <= 1, "vector leaves");
            // Breadth first from XGBoost's root (node 0): queue of (XGBoost node id, our index, depth).
            int base = feature.size();
            int[] queue = new int[n];
            int[] at = new int[n];
            int[] depthOf = new int[n];
            int head = 0;
            int tail = 0;
            queue[tail] = 0;
            at[tail++] = base;
            push();
            int depth = 0;
            while (head < tail) {
                int id = queue[head];
                int me = at[head];
                int d = depthOf[head++];
                depth = Math.max(depth, d);
                int li = l.get(id).asInt();
                if (li == -1) {
                    // Leaf: XGBoost keeps its value in split_conditions.
                    set(me, 0, Float.POSITIVE_INFINITY, me, cond.get(id).floatValue(), true, true);
                    continue;
                }
                int ri = r.get(id).asInt();
                int f = idx.get(id).asInt();
                require(type.size() == 0 || type.get(id).asInt() == 0, "categorical split");
                require(f >= 0 && f < features, "split feature " + f);
                // Children come after their parent in XGBoost's arrays, so the walk ends and no node repeats.
                require(li > id && li < n && ri > id && ri < n && tail + 2 <= n, "child index");
                JsonNode dv = dl.get(id);
                int first = feature.size();
                push();
                push();
                set(me, f, cond.get(id).floatValue(), first, 0f, false, dv.isBoolean() ? dv.booleanValue() : dv.asInt() != 0);
                queue[tail] = li;
                at[tail] = first;
                depthOf[tail++] = d + 1;
                queue[tail] = ri;
                at[tail] = first + 1;
                depthOf[tail++] = d + 1;
            }
            return depth;
        }

        private void push() {
            feature.add(0);
            threshold.add(0f);
            child.add(0);
            leafValue.add(0f);
            leaf.add(true);
            defaultLeft.add(true);
        }

        private void set(int i, int f, float t, int c, float value, boolean isLeaf, boolean left) {
            feature.set(i, f);
            threshold.set(i, t);
            child.set(i, c);
            leafValue.set(i, value);
            leaf.set(i, isLeaf);
            defaultLeft.set(i, left);
        }
    }
}
