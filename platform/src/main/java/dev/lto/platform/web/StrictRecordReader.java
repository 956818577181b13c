package dev.lto.platform.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Size;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a JSON tree into a contract record and reports <em>every</em> problem at once: unknown
 * fields, wrong JSON types (a string where a number belongs, "NaN"), unknown enum values, and then
 * every Bean Validation violation of the fields that did parse. Jackson alone stops at the first
 * error, and an engineer fixing a rejected job wants the whole list in one answer.
 *
 * <p>Numbers must be JSON numbers and booleans JSON booleans: no coercion from strings.
 *
 * <p>What every body gets, whatever its contract says (docs/api.md "Problem types"):
 * <ul>
 *   <li>An explicit JSON {@code null} is never a value (constraint {@code null}): a default applies only to an
 *       <em>absent</em> field, so {@code "sigma": null} cannot silently mean 0.8, and a null can never reach a map
 *       of numbers or a downstream consumer.</li>
 *   <li>Every string is bounded: by the field's own {@code @Size(max)}, else {@link #MAX_TEXT} (constraint
 *       {@code Size}); map keys by {@link #MAX_KEY}; strings inside free-form values by {@link #MAX_FREE_TEXT}.</li>
 *   <li>Numbers are finite ({@code 1e400} overflows to infinity; constraint {@code finite}); whole numbers fit
 *       their Java type.</li>
 *   <li>Free-form values ({@code metadata}) nest at most {@link #MAX_DEPTH} levels (constraint {@code depth}).</li>
 * </ul>
 * Rejected values are echoed at most {@link #MAX_ECHO} characters long, so a huge string is not sent back.
 */
public final class StrictRecordReader {

    /** Bound of a string field that has no {@code @Size(max)} of its own (names, versions, stages, ids). */
    public static final int MAX_TEXT = 256;
    /** Bound of a key of a map field ({@code metadata}, {@code metrics}). */
    public static final int MAX_KEY = 128;
    /** Bound of a string anywhere inside a free-form value ({@code metadata}). */
    public static final int MAX_FREE_TEXT = 1024;
    /** Levels of arrays and objects a free-form value may nest ({@code {"a":{"b":1}}} is 2). */
    public static final int MAX_DEPTH = 8;
    static final int MAX_ECHO = 64;

    private final JsonMapper json;
    private final Validator validator;

    public StrictRecordReader(JsonMapper json, Validator validator) {
        this.json = json;
        this.validator = validator;
    }

    /**
     * @throws InvalidRequestException listing every field problem, JSON paths in snake_case
     */
    public <T extends Record> T read(JsonNode body, Class<T> type) {
        List<FieldProblem> problems = new ArrayList<>();
        Object value = readRecord(body, type, "", problems);
        if (value != null) {
            Set<String> alreadyBad = problems.stream().map(FieldProblem::field).collect(Collectors.toSet());
            for (ConstraintViolation<Object> v : validator.validate(value)) {
                String field = snakePath(v.getPropertyPath().toString());
                if (alreadyBad.stream().noneMatch(bad -> field.equals(bad) || field.startsWith(bad + "."))) {
                    String constraint = v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName();
                    problems.add(constraint.equals("NotNull") && v.getInvalidValue() == null
                            ? new FieldProblem(field, "required", "is required", null)
                            : new FieldProblem(field, constraint, v.getMessage(), printable(v.getInvalidValue())));
                }
            }
        }
        if (!problems.isEmpty() || value == null) {
            problems.sort((a, b) -> a.field().compareTo(b.field()));
            throw new InvalidRequestException(problems);
        }
        return type.cast(value);
    }

    /** Reads a record, or returns null when its own construction failed (problems recorded). */
    private Object readRecord(JsonNode node, Class<?> type, String path, List<FieldProblem> problems) {
        if (!node.isObject()) {
            problems.add(new FieldProblem(path.isEmpty() ? "$" : path, "type", "must be a JSON object", null));
            return null;
        }
        RecordComponent[] components = type.getRecordComponents();
        Set<String> known = new HashSet<>();
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent rc = components[i];
            String name = jsonName(rc);
            known.add(name);
            JsonNode child = node.get(name);
            String childPath = path.isEmpty() ? name : path + "." + name;
            if (child == null) {
                if (rc.getType().isPrimitive()) {
                    problems.add(new FieldProblem(childPath, "required", "is required", null));
                    return null;
                }
                continue;
            }
            if (child.isNull()) {
                problems.add(nullProblem(childPath));
                if (rc.getType().isPrimitive()) {
                    return null;
                }
                continue;
            }
            args[i] = readValue(child, rc.getType(), rc.getGenericType(), childPath, maxText(rc), problems);
            if (args[i] == null && rc.getType().isPrimitive()) {
                return null;
            }
        }
        for (Iterator<String> names = node.propertyNames().iterator(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                String childPath = path.isEmpty() ? clip(name) : path + "." + clip(name);
                problems.add(new FieldProblem(childPath, "unknown", "is not a field of " + snake(type.getSimpleName())
                        + "; known fields: " + known.stream().sorted().toList(), null));
            }
        }
        try {
            Constructor<?> canonical = type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            canonical.setAccessible(true);
            return canonical.newInstance(args);
        } catch (InvocationTargetException e) {
            problems.add(new FieldProblem(path.isEmpty() ? "$" : path, "invalid", String.valueOf(e.getCause().getMessage()), null));
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type, e);
        }
    }

    private Object readValue(JsonNode node, Class<?> raw, Type generic, String path, int maxText, List<FieldProblem> problems) {
        if (node.isString() && node.stringValue().length() > maxText) {
            problems.add(new FieldProblem(path, "Size", "must be at most " + maxText + " characters (was "
                    + node.stringValue().length() + ")", printable(node)));
            return null;
        }
        if (raw.isRecord()) {
            return readRecord(node, raw, path, problems);
        }
        if (raw == Double.class || raw == double.class || raw == Float.class || raw == float.class) {
            if (!node.isNumber()) {
                problems.add(new FieldProblem(path, "type", "must be a number", printable(node)));
                return null;
            }
            boolean single = raw == Float.class || raw == float.class;
            double value = single ? node.floatValue() : node.doubleValue();
            if (!Double.isFinite(value)) {
                problems.add(new FieldProblem(path, "finite", "must be a finite number", printable(node)));
                return null;
            }
            return single ? (Object) (float) value : (Object) value;
        }
        if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
            boolean whole = node.isIntegralNumber() || (node.isNumber() && node.doubleValue() == Math.rint(node.doubleValue()));
            if (!whole || !node.canConvertToLong()) {
                problems.add(new FieldProblem(path, "type", "must be a whole number", printable(node)));
                return null;
            }
            long v = node.longValue();
            if ((raw == Integer.class || raw == int.class) && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
                problems.add(new FieldProblem(path, "type", "must fit a 32-bit integer", printable(node)));
                return null;
            }
            return raw == Long.class || raw == long.class ? (Object) v : (Object) (int) v;
        }
        if (raw == Boolean.class || raw == boolean.class) {
            if (!node.isBoolean()) {
                problems.add(new FieldProblem(path, "type", "must be true or false", printable(node)));
                return null;
            }
            return node.booleanValue();
        }
        if (raw == String.class) {
            if (!node.isString()) {
                problems.add(new FieldProblem(path, "type", "must be a string", printable(node)));
                return null;
            }
            return node.stringValue();
        }
        if (raw.isEnum()) {
            List<String> allowed = Arrays.stream(raw.getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList();
            if (!node.isString() || !allowed.contains(node.stringValue().toUpperCase(Locale.ROOT))) {
                problems.add(new FieldProblem(path, "enum", "must be one of " + allowed, printable(node)));
                return null;
            }
            return raw.getEnumConstants()[allowed.indexOf(node.stringValue().toUpperCase(Locale.ROOT))];
        }
        if (Map.class.isAssignableFrom(raw)) {
            return readMap(node, generic, path, problems);
        }
        if (raw == Object.class) {
            return readFreeForm(node, path, problems);
        }
        if (raw.getPackageName().equals("java.time") && !node.isString()) {
            // Jackson would read a number as epoch seconds: 0 or 1e400 must not become a time nobody sent.
            problems.add(new FieldProblem(path, "type", "must be an ISO-8601 time string, e.g. 2026-11-26T10:00:00Z", printable(node)));
            return null;
        }
        try {
            return json.treeToValue(node, json.constructType(generic instanceof ParameterizedType ? generic : raw));
        } catch (JacksonException e) {
            problems.add(new FieldProblem(path, "type", "cannot be read as " + raw.getSimpleName() + ": " + e.getOriginalMessage(), null));
            return null;
        }
    }

    /** A map field: an object whose keys are bounded and whose values are read by the map's value type. */
    private Object readMap(JsonNode node, Type generic, String path, List<FieldProblem> problems) {
        if (!node.isObject()) {
            problems.add(new FieldProblem(path, "type", "must be a JSON object", printable(node)));
            return null;
        }
        Type valueType = generic instanceof ParameterizedType p ? p.getActualTypeArguments()[1] : Object.class;
        Class<?> valueRaw = valueType instanceof Class<?> c ? c
                : valueType instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c ? c : Object.class;
        Map<String, Object> out = new LinkedHashMap<>();
        boolean ok = true;
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String name = entry.getKey();
            String childPath = path + "." + clip(name);
            if (name.length() > MAX_KEY) {
                problems.add(new FieldProblem(childPath, "Size", "keys must be at most " + MAX_KEY + " characters", null));
                ok = false;
                continue;
            }
            if (entry.getValue().isNull()) {
                problems.add(nullProblem(childPath));
                ok = false;
                continue;
            }
            Object value = readValue(entry.getValue(), valueRaw, valueType, childPath,
                    valueRaw == Object.class ? MAX_FREE_TEXT : MAX_TEXT, problems);
            if (value == null) {
                ok = false;
            } else {
                out.put(name, value);
            }
        }
        return ok ? out : null;
    }

    /** A value of any JSON shape ({@code metadata}'s values): checked for nulls, bounds and depth, then read as plain Java. */
    private Object readFreeForm(JsonNode node, String path, List<FieldProblem> problems) {
        FieldProblem problem = freeFormProblem(node, path, 1);
        if (problem != null) {
            problems.add(problem);
            return null;
        }
        return json.treeToValue(node, Object.class);
    }

    /** The first thing wrong inside a free-form value, or null; one per value, so a huge bad array is one problem. */
    private static FieldProblem freeFormProblem(JsonNode node, String path, int depth) {
        if (node.isNull()) {
            return nullProblem(path);
        }
        if (node.isString() && node.stringValue().length() > MAX_FREE_TEXT) {
            return new FieldProblem(path, "Size", "must be at most " + MAX_FREE_TEXT + " characters", printable(node));
        }
        if (node.isNumber() && !Double.isFinite(node.doubleValue())) {
            return new FieldProblem(path, "finite", "must be a finite number", printable(node));
        }
        if (node.isContainer()) {
            if (depth > MAX_DEPTH) {
                return new FieldProblem(path, "depth", "must nest at most " + MAX_DEPTH + " levels of arrays and objects", null);
            }
            if (node.isObject()) {
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    String childPath = path + "." + clip(e.getKey());
                    if (e.getKey().length() > MAX_KEY) {
                        return new FieldProblem(childPath, "Size", "keys must be at most " + MAX_KEY + " characters", null);
                    }
                    FieldProblem inner = freeFormProblem(e.getValue(), childPath, depth + 1);
                    if (inner != null) {
                        return inner;
                    }
                }
            } else {
                for (int i = 0; i < node.size(); i++) {
                    FieldProblem inner = freeFormProblem(node.get(i), path + "[" + i + "]", depth + 1);
                    if (inner != null) {
                        return inner;
                    }
                }
            }
        }
        return null;
    }

    static FieldProblem nullProblem(String path) {
        return new FieldProblem(path, "null", "must not be null: give a value, or omit the field where it has a default", null);
    }

    /** The field's own {@code @Size(max)}, else {@link #MAX_TEXT}. */
    private static int maxText(RecordComponent rc) {
        Size size = rc.getAnnotation(Size.class);
        if (size == null) {
            try {
                size = rc.getDeclaringRecord().getDeclaredField(rc.getName()).getAnnotation(Size.class);
            } catch (NoSuchFieldException e) {
                size = null;
            }
        }
        return size != null && size.max() < Integer.MAX_VALUE && rc.getType() == String.class ? size.max() : MAX_TEXT;
    }

    /** A name as it may appear in a problem's path: long ones cut, so a huge key is not echoed whole. */
    private static String clip(String name) {
        return name.length() <= MAX_KEY ? name : name.substring(0, MAX_KEY) + "…";
    }

    private static Object printable(Object v) {
        if (v instanceof JsonNode n) {
            return n.isValueNode() ? shorten(n.asString()) : n.getNodeType().name().toLowerCase(Locale.ROOT);
        }
        if (v instanceof String text) {
            return shorten(text);
        }
        return v instanceof Number || v instanceof Boolean || v instanceof Enum<?> ? v : null;
    }

    private static String shorten(String text) {
        return text.length() <= MAX_ECHO ? text : text.substring(0, MAX_ECHO) + "… (" + text.length() + " characters)";
    }

    static String jsonName(RecordComponent rc) {
        JsonProperty p = rc.getAnnotation(JsonProperty.class);
        if (p == null) {
            try {
                p = rc.getDeclaringRecord().getDeclaredField(rc.getName()).getAnnotation(JsonProperty.class);
            } catch (NoSuchFieldException e) {
                p = null;
            }
        }
        return p == null || p.value().isEmpty() ? rc.getName() : p.value();
    }

    /** camelCase → snake_case; the contracts' JSON names follow this rule (tested in contracts). */
    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** A Bean Validation property path ({@code parameters.doseMjCm2}) as a JSON path. */
    static String snakePath(String path) {
        return Arrays.stream(path.split("\\.")).map(StrictRecordReader::snake).collect(Collectors.joining("."));
    }
}
