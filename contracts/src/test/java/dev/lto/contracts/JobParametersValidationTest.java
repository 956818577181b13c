package dev.lto.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobParametersValidationTest {

    private static jakarta.validation.ValidatorFactory factory;
    private static Validator validator;

    @BeforeAll
    static void setUp() {
        factory = Validation.buildDefaultValidatorFactory();
        validator = factory.getValidator();
    }

    @AfterAll
    static void tearDown() {
        factory.close();
    }

    /** field, lowest accepted, highest accepted, just below, just above. */
    static Stream<Arguments> ranges() {
        return Stream.of(
                Arguments.of("na", 0.1, 0.55, 0.0999, 0.5501),
                Arguments.of("wavelength_nm", 10.0, 400.0, 9.99, 400.01),
                Arguments.of("dose_mj_cm2", 1.0, 100.0, 0.999, 100.001),
                Arguments.of("sigma", 0.1, 1.0, 0.0999, 1.0001),
                Arguments.of("resist_thickness_nm", 5.0, 200.0, 4.999, 200.001),
                Arguments.of("grid_size_nm", 0.1, 10.0, 0.0999, 10.001),
                Arguments.of("job_class", 1, 20, 0, 21));
    }

    @ParameterizedTest(name = "{0} accepts [{1}, {2}] and rejects {3} and {4}")
    @MethodSource("ranges")
    void eachRangeAcceptsItsBoundariesAndRejectsJustOutside(String field, Number low, Number high, Number below, Number above) {
        assertThat(violations(with(field, low))).isEmpty();
        assertThat(violations(with(field, high))).isEmpty();
        assertThat(violations(with(field, below))).containsExactly(field);
        assertThat(violations(with(field, above))).containsExactly(field);
    }

    @Test
    void nanAndInfinityAreRejected() {
        for (String field : Set.of("na", "dose_mj_cm2", "sigma", "wavelength_nm", "resist_thickness_nm", "grid_size_nm")) {
            assertThat(violations(with(field, Double.NaN))).as(field + "=NaN").containsExactly(field);
            assertThat(violations(with(field, Double.POSITIVE_INFINITY))).as(field + "=+Inf").containsExactly(field);
            assertThat(violations(with(field, Double.NEGATIVE_INFINITY))).as(field + "=-Inf").containsExactly(field);
        }
    }

    @Test
    void omittedOptionalFieldsTakeTheSeedDefaults() {
        JobParameters p = JobParameters.of(0.33, 30.0);
        assertThat(p.jobId()).matches("job_[0-9a-f]{8}");
        assertThat(p.wavelengthNm()).isEqualTo(13.5);
        assertThat(p.sigma()).isEqualTo(0.8);
        assertThat(p.resistThicknessNm()).isEqualTo(30.0);
        assertThat(p.gridSizeNm()).isEqualTo(1.0);
        assertThat(p.patternComplexity()).isEqualTo(PatternComplexity.MODERATE);
        assertThat(p.useAiSurrogate()).isTrue();
        assertThat(p.jobClass()).isEqualTo(1);
        assertThat(p.priority()).isEqualTo(JobPriority.NORMAL);
        assertThat(p.constraintProfile()).isEqualTo("default");
        assertThat(p.submittedBy()).isEqualTo("system");
        assertThat(p.metadata()).isEmpty();
        assertThat(violations(p)).isEmpty();
    }

    @Test
    void naAndDoseAreRequired() {
        JobParameters p = new JobParameters(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        assertThat(violations(p)).containsExactlyInAnyOrder("na", "dose_mj_cm2");
    }

    @Test
    void generatedIdsAreDistinct() {
        Set<String> ids = Stream.generate(JobParameters::newJobId).limit(1000).collect(Collectors.toSet());
        assertThat(ids).hasSizeGreaterThan(995).allMatch(id -> id.matches("job_[0-9a-f]{8}"));
    }

    @Test
    void idsAndProfileNamesAreRestrictedToSafeCharacters() {
        assertThat(violations(JobParameters.of(0.33, 30).withJobId("job_../../etc"))).containsExactly("job_id");
        assertThat(violations(JobParameters.of(0.33, 30).withJobId("job_1234abcd"))).isEmpty();
        JobParameters badProfile = new JobParameters(null, 0.33, null, 30.0, null, null, null, null, null, null, null, "DROP TABLE", null, null);
        assertThat(violations(badProfile)).containsExactly("constraint_profile");
    }

    private static JobParameters with(String field, Number value) {
        Map<String, Number> v = new HashMap<>(Map.of("na", 0.33, "dose_mj_cm2", 30.0));
        v.put(field, value);
        return new JobParameters(null,
                d(v.get("na")), d(v.get("wavelength_nm")), d(v.get("dose_mj_cm2")), d(v.get("sigma")),
                d(v.get("resist_thickness_nm")), d(v.get("grid_size_nm")), null, null,
                v.get("job_class") == null ? null : v.get("job_class").intValue(), null, null, null, null);
    }

    private static Double d(Number n) {
        return n == null ? null : n.doubleValue();
    }

    /** Violated fields, by their JSON (snake_case) names. */
    private static Set<String> violations(JobParameters p) {
        return validator.validate(p).stream()
                .map(v -> SnakeCase.of(v.getPropertyPath().toString()))
                .collect(Collectors.toSet());
    }
}
