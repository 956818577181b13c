package dev.lto.platform.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
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
 */
public final class StrictRecordReader {

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
            if (child == null || child.isNull()) {
                if (rc.getType().isPrimitive()) {
                    problems.add(new FieldProblem(childPath, "required", "is required", null));
                    return null;
                }
                continue;
            }
            args[i] = readValue(child, rc.getType(), rc.getGenericType(), childPath, problems);
            if (args[i] == null && rc.getType().isPrimitive()) {
                return null;
            }
        }
        for (Iterator<String> names = node.propertyNames().iterator(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                String childPath = path.isEmpty() ? name : path + "." + name;
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

    private Object readValue(JsonNode node, Class<?> raw, Type generic, String path, List<FieldProblem> problems) {
        if (raw.isRecord()) {
            return readRecord(node, raw, path, problems);
        }
        if (raw == Double.class || raw == double.class || raw == Float.class || raw == float.class) {
            if (!node.isNumber()) {
                problems.add(new FieldProblem(path, "type", "must be a number", printable(node)));
                return null;
            }
            return raw == Float.class || raw == float.class ? (Object) node.floatValue() : (Object) node.doubleValue();
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
        if (Map.class.isAssignableFrom(raw) && !node.isObject()) {
            problems.add(new FieldProblem(path, "type", "must be a JSON object", printable(node)));
            return null;
        }
        try {
            return json.treeToValue(node, json.constructType(generic instanceof ParameterizedType ? generic : raw));
        } catch (JacksonException e) {
            problems.add(new FieldProblem(path, "type", "cannot be read as " + raw.getSimpleName() + ": " + e.getOriginalMessage(), null));
            return null;
        }
    }

    private static Object printable(Object v) {
        if (v instanceof JsonNode n) {
            return n.isValueNode() ? n.asString() : n.getNodeType().name().toLowerCase(Locale.ROOT);
        }
        return v instanceof Number || v instanceof String || v instanceof Boolean || v instanceof Enum<?> ? v : null;
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
