package dev.lto.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ContainerNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Malformed request bodies for the input-hardening properties (docs/api.md "Problem types"): a valid
 * body of the endpoint, with one to three of its fields (at any depth) replaced by an explicit
 * {@code null}, a huge string, a non-finite number ({@code 1e400}), deep nesting, a value of the wrong
 * JSON type or a random JSON value, or with an unknown field added; or the body cut short, replaced
 * by a random JSON value, or by random bytes.
 *
 * <p>Each {@link Body} says whether it is wrong <em>whatever</em> the endpoint does with it
 * ({@link Body#surelyInvalid()}: the answer must be a 400 or 413 problem) or only arbitrary (a random
 * value may happen to be valid: the answer must still never be a 5xx, and nothing may be stored
 * unless the answer is a success).
 */
public final class MalformedJson {

    /** Longer than any string bound of the API (the longest is 2000, a review note); under 64 KiB with the rest. */
    static final int HUGE_MIN = 2_001;
    static final int HUGE_MAX = 40_000;

    /** Big decimals, so that {@code 1e400} is written back as {@code 1E+400}, not as the string "Infinity". */
    private static final JsonMapper JSON = JsonMapper.builder(tools.jackson.core.json.JsonFactory.builder()
                    // Nested deep values may land inside each other: write past the servers' read limit (500), to test it too.
                    .streamWriteConstraints(tools.jackson.core.StreamWriteConstraints.builder().maxNestingDepth(5_000).build())
                    .streamReadConstraints(tools.jackson.core.StreamReadConstraints.builder().maxNestingDepth(5_000).build())
                    .build())
            .enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A request body, the mutations that made it, and whether any endpoint must refuse it. */
    public record Body(byte[] bytes, boolean surelyInvalid, String how) {

        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            String t = text();
            return how + (surelyInvalid ? " [must be refused]" : "") + ": " + (t.length() > 300 ? t.substring(0, 300) + "…(" + t.length() + ")" : t);
        }
    }

    /**
     * How an endpoint reads its body. {@code freeForm}: JSON paths ({@code metadata}, {@code alerts[0].annotations}) under
     * which any value and any field is fine as long as it is bounded; {@code nullable}: paths where an explicit null is part of
     * the contract; {@code tolerant}: unknown fields are ignored (Alertmanager's webhook), not refused.
     */
    public record Contract(Set<String> freeForm, Set<String> nullable, boolean tolerant) {

        public static Contract strict() {
            return new Contract(Set.of(), Set.of(), false);
        }

        public Contract withFreeForm(String... paths) {
            return new Contract(Set.of(paths), nullable, tolerant);
        }

        public Contract withNullable(String... paths) {
            return new Contract(freeForm, Set.of(paths), tolerant);
        }

        public Contract tolerantOfUnknownFields() {
            return new Contract(freeForm, nullable, true);
        }

        /** Strictly under a free-form path; array positions match {@code []} ({@code [].metrics}). */
        boolean isFreeForm(String path) {
            String p = anyIndex(path);
            return freeForm.stream().anyMatch(f -> p.startsWith(f + ".") || p.startsWith(f + "["));
        }

        boolean isFreeFormRoot(String path) {
            return freeForm.contains(anyIndex(path));
        }

        boolean isNullable(String path) {
            return nullable.contains(anyIndex(path));
        }

        private static String anyIndex(String path) {
            return path.replaceAll("\\[[0-9]+]", "[]");
        }
    }

    private MalformedJson() {
    }

    /** Malformed variants of {@code validJson}, an object or array body the endpoint accepts. */
    public static Arbitrary<Body> bodies(String validJson, Contract contract) {
        JsonNode valid = JSON.readTree(validJson);
        Arbitrary<Body> mutated = Combinators.combine(
                        // Mostly one sure mutation and no loose one: then the sure one alone decides the answer, so a
                        // reader that lets that one kind through is caught within a few hundred tries.
                        listOf(mutation(contract), 6, 3, 1),
                        listOf(surelyInvalidMutation(contract), 1, 6, 2),
                        Arbitraries.randoms())
                .as((loose, strict, random) -> apply(valid, contract, loose, strict, random));
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(12, mutated),
                        net.jqwik.api.Tuple.of(1, truncated(validJson)),
                        net.jqwik.api.Tuple.of(1, anyValue(4).map(v -> new Body(v.getBytes(StandardCharsets.UTF_8), false, "a random value"))),
                        net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(b -> new Body(b, false, "random bytes"))));
    }

    /** Lists of 0, 1 or 2 elements with the given weights. */
    private static <T> Arbitrary<List<T>> listOf(Arbitrary<T> element, int none, int one, int two) {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(none, Arbitraries.just(List.<T>of())),
                net.jqwik.api.Tuple.of(one, element.list().ofSize(1)),
                net.jqwik.api.Tuple.of(two, element.list().ofSize(2)));
    }

    /** Random JSON values as text: every JSON type, huge and non-finite numbers, long and odd strings, nesting. */
    public static Arbitrary<String> anyValue(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.just("null"), Arbitraries.of("true", "false"),
                Arbitraries.integers().map(String::valueOf), Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(d -> Double.isFinite(d) ? String.valueOf(d) : "1e400"),
                Arbitraries.of("1e400", "-1e400", "1e-400", "123456789012345678901234567890", "-0", "0.0", "1E+2",
                        "9223372036854775808", "2147483648"),
                Arbitraries.strings().ofMaxLength(20).map(MalformedJson::quote),
                Arbitraries.of("NaN", "Infinity", "-Infinity", "", "job_1", "../x", "COMPLETED", "2026-11-26T10:00:00Z")
                        .map(MalformedJson::quote),
                hugeString());
        if (depth <= 0) {
            return scalar;
        }
        Arbitrary<String> inner = Arbitraries.lazy(() -> anyValue(depth - 1));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, scalar),
                net.jqwik.api.Tuple.of(1, inner.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]")),
                net.jqwik.api.Tuple.of(1, Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(8), inner)
                        .as((k, v) -> quote(k) + ":" + v).list().ofMaxSize(4).map(l -> "{" + String.join(",", l) + "}")),
                net.jqwik.api.Tuple.of(1, deepNesting()));
    }

    private static Arbitrary<String> hugeString() {
        return Arbitraries.integers().between(HUGE_MIN, HUGE_MAX).map(n -> quote("x".repeat(n)));
    }

    private static Arbitrary<String> deepNesting() {
        return Combinators.combine(Arbitraries.integers().between(20, 400), Arbitraries.of(true, false))
                .as((n, arrays) -> arrays ? "[".repeat(n) + "1" + "]".repeat(n) : "{\"a\":".repeat(n) + "1" + "}".repeat(n));
    }

    private static String quote(String s) {
        return JSON.writeValueAsString(s);
    }

    /**
     * One change to a body; the target is drawn uniformly among the body's current paths by the try's {@code Random}
     * ({@code at} is not used for that: jqwik's doubles lean to their edges, which would hit the first field most).
     */
    private record Mutation(String kind, String value, boolean surelyInvalid, double at) {
    }

    /** Changes that may or may not leave a valid body: a random value in a field, a field removed. */
    private static Arbitrary<Mutation> mutation(Contract contract) {
        return Combinators.combine(Arbitraries.of("replace", "remove"), anyValue(2), Arbitraries.doubles().between(0, 1))
                .as((kind, value, at) -> new Mutation(kind, value, false, at));
    }

    /** Changes no endpoint may accept (except where the contract says a path is free-form or nullable). */
    private static Arbitrary<Mutation> surelyInvalidMutation(Contract contract) {
        Arbitrary<String> bad = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.just("null")),
                net.jqwik.api.Tuple.of(1, hugeString()), net.jqwik.api.Tuple.of(2, Arbitraries.of("1e400", "-1e400", "1e999")),
                net.jqwik.api.Tuple.of(1, deepNesting()));
        return Arbitraries.oneOf(
                Combinators.combine(bad, Arbitraries.doubles().between(0, 1)).as((v, at) -> new Mutation("replace", v, true, at)),
                Arbitraries.doubles().between(0, 1).map(at -> new Mutation("wrong-type", null, true, at)),
                Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12), anyValue(1), Arbitraries.doubles().between(0, 1))
                        .as((name, v, at) -> new Mutation("add:zz_" + name, v, true, at)));
    }

    private static Body apply(JsonNode valid, Contract contract, List<Mutation> loose, List<Mutation> strict, java.util.Random random) {
        JsonNode body = valid.deepCopy();
        List<String> how = new ArrayList<>();
        boolean surelyInvalid = false;
        // Loose ones first: a later sure one can only overwrite them, never undo a sure one.
        for (Mutation m : loose) {
            List<Path> paths = paths(body, "", null, null);
            if (paths.isEmpty()) {
                continue;
            }
            Path p = paths.get(random.nextInt(paths.size()));
            if (m.kind().equals("remove")) {
                p.remove();
                how.add("removed " + p.path);
            } else {
                p.set(JSON.readTree(m.value()));
                how.add("random value at " + p.path);
            }
        }
        // Sure ones: skip targets the contract allows (free-form, nullable, tolerant), so "sure" stays sure.
        for (Mutation m : strict) {
            List<Path> paths = paths(body, "", null, null);
            if (m.kind().startsWith("add:")) {
                List<Path> objects = new ArrayList<>(paths.stream().filter(p -> p.node.isObject() && !contract.isFreeFormRoot(p.path) && !contract.isFreeForm(p.path)).toList());
                if (body.isObject()) {
                    objects.add(new Path("", body, null, null));
                }
                if (objects.isEmpty() || contract.tolerant()) {
                    continue;
                }
                Path target = objects.get(random.nextInt(objects.size()));
                String name = m.kind().substring(4);
                if (target.node.has(name)) {
                    continue;
                }
                ((ObjectNode) target.node).set(name, JSON.readTree(m.value()));
                how.add("unknown field " + name + " in " + (target.path.isEmpty() ? "$" : target.path));
                surelyInvalid = true;
                continue;
            }
            List<Path> eligible = paths.stream().filter(p -> !contract.isFreeForm(p.path)).toList();
            if (m.kind().equals("replace") && m.value().matches("-?1e[0-9]+")) {
                // A non-finite number is mostly worth trying where a number belongs: elsewhere it is merely a wrong type.
                List<Path> numbers = eligible.stream().filter(p -> p.node.isNumber()).toList();
                eligible = numbers.isEmpty() || random.nextInt(4) == 0 ? eligible : numbers;
            }
            if (eligible.isEmpty()) {
                continue;
            }
            Path p = eligible.get(random.nextInt(eligible.size()));
            if (m.kind().equals("wrong-type")) {
                // Wrong relative to the field's type in the valid body: the current value may be a loose random one.
                JsonNode original = paths(valid, "", null, null).stream().filter(o -> o.path.equals(p.path))
                        .map(o -> o.node).findFirst().orElse(null);
                if (original == null || contract.isFreeFormRoot(p.path) && !original.isObject()) {
                    continue;
                }
                p.set(wrongType(original, random));
                how.add("wrong type at " + p.path);
            } else {
                if (m.value().equals("null") && contract.isNullable(p.path)) {
                    continue;
                }
                p.set(JSON.readTree(m.value()));
                how.add((m.value().equals("null") ? "null" : m.value().length() > 40 ? "huge or deep value" : m.value()) + " at " + p.path);
            }
            surelyInvalid = true;
        }
        return new Body(JSON.writeValueAsBytes(body), surelyInvalid, how.isEmpty() ? "unchanged" : String.join("; ", how));
    }

    /** A value of another JSON type than {@code original}. */
    private static JsonNode wrongType(JsonNode original, java.util.Random random) {
        List<JsonNode> options = new ArrayList<>();
        if (!original.isString()) {
            options.add(NODES.stringNode(random.nextBoolean() ? "0.5" : "x"));
        }
        if (!original.isNumber()) {
            options.add(NODES.numberNode(random.nextInt(3)));
        }
        if (!original.isBoolean()) {
            options.add(NODES.booleanNode(random.nextBoolean()));
        }
        if (!original.isArray()) {
            options.add(NODES.arrayNode().add(1));
        }
        if (!original.isObject()) {
            options.add(NODES.objectNode().put("a", 1));
        }
        return options.get(random.nextInt(options.size()));
    }

    private static Arbitrary<Body> truncated(String validJson) {
        byte[] bytes = validJson.getBytes(StandardCharsets.UTF_8);
        return Arbitraries.integers().between(1, Math.max(1, bytes.length - 1))
                .map(n -> new Body(java.util.Arrays.copyOf(bytes, n), true, "cut after " + n + " bytes"));
    }

    /** A value inside the body: its JSON path and how to replace or remove it in its parent. */
    private static final class Path {
        final String path;
        final JsonNode node;
        final ContainerNode<?> parent;
        final Object key;

        Path(String path, JsonNode node, ContainerNode<?> parent, Object key) {
            this.path = path;
            this.node = node;
            this.parent = parent;
            this.key = key;
        }

        void set(JsonNode value) {
            if (parent instanceof ObjectNode o) {
                o.set((String) key, value);
            } else if (parent instanceof ArrayNode a) {
                a.set((Integer) key, value);
            }
        }

        void remove() {
            if (parent instanceof ObjectNode o) {
                o.remove((String) key);
            } else if (parent instanceof ArrayNode a) {
                a.remove((int) (Integer) key);
            }
        }
    }

    private static List<Path> paths(JsonNode node, String prefix, ContainerNode<?> parent, Object key) {
        List<Path> out = new ArrayList<>();
        if (node.isObject()) {
            for (var e : node.properties()) {
                String p = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
                out.add(new Path(p, e.getValue(), (ObjectNode) node, e.getKey()));
                out.addAll(paths(e.getValue(), p, (ObjectNode) node, e.getKey()));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String p = prefix + "[" + i + "]";
                out.add(new Path(p, node.get(i), (ArrayNode) node, i));
                out.addAll(paths(node.get(i), p, (ArrayNode) node, i));
            }
        }
        return out;
    }

    /** A query string ({@code a=1&b=2}, encoded, without {@code ?}) and whether any strict endpoint must refuse it. */
    public record Query(String text, boolean surelyInvalid) {

        @Override
        public String toString() {
            return (surelyInvalid ? "[must be refused] " : "") + (text.length() > 300 ? text.substring(0, 300) + "…(" + text.length() + ")" : text);
        }
    }

    /**
     * Query strings for an endpoint with parameters {@code known}: zero to four parameters, known names or unknown ones, with
     * random values, odd values, and values longer than any bound (256); unknown names and over-long values must be refused.
     */
    public static Arbitrary<Query> queries(List<String> known, List<String> plausibleValues) {
        Arbitrary<String[]> value = Arbitraries.oneOf(
                Arbitraries.of(plausibleValues).map(v -> new String[] {v, ""}),
                anyValue(1).filter(v -> v.length() < 200).map(v -> new String[] {v, ""}),
                Arbitraries.strings().ofMaxLength(30).map(v -> new String[] {v, ""}),
                Arbitraries.integers().between(257, 3000).map(n -> new String[] {"y".repeat(n), "huge"}));
        Arbitrary<String[]> name = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.of(known).map(n -> new String[] {n, ""})),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10).map(n -> new String[] {"zz_" + n, "unknown"})));
        return Combinators.combine(name, value).as((n, v) -> new String[] {
                        enc(n[0]) + "=" + enc(v[0]), String.valueOf(!n[1].isEmpty() || !v[1].isEmpty())})
                .list().ofMaxSize(4)
                .map(ps -> new Query(String.join("&", ps.stream().map(p -> p[0]).toList()),
                        ps.stream().anyMatch(p -> p[1].equals("true"))));
    }

    /** Ids for a path segment: plausible ones, random text, and ones too long for any id (65–300 characters, must be refused). */
    public static Arbitrary<String[]> pathIds(List<String> plausible) {
        return Arbitraries.oneOf(
                Arbitraries.of(plausible).map(v -> new String[] {v, ""}),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(80).map(v -> new String[] {v, ""}),
                Arbitraries.strings().alpha().numeric().ofMinLength(65).ofMaxLength(300).map(v -> new String[] {v, "too long"}));
    }

    /** Percent-encoding for a query component or a path segment ({@code +} and space encoded as {@code %2B}, {@code %20}). */
    public static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
