package dev.lto.contracts;

/** Test-side copy of the camelCase → snake_case rule the contracts' JSON names follow. */
final class SnakeCase {

    static String of(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    private SnakeCase() {
    }
}
