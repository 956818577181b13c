package dev.lto.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.SimulationResult;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class StrictRecordReaderTest {

    private static final ValidatorFactory validation = Validation.buildDefaultValidatorFactory();
    private final JsonMapper json = JsonMapper.builder().findAndAddModules().build();
    private final StrictRecordReader reader = new StrictRecordReader(json, validation.getValidator());

    @AfterAll
    static void close() {
        validation.close();
    }

    @Test
    void readsAValidRecordWithDefaults() {
        JobParameters p = reader.read(json.readTree("{\"na\":0.33,\"dose_mj_cm2\":30,\"metadata\":{\"audit\":true}}"), JobParameters.class);
        assertThat(p.na()).isEqualTo(0.33);
        assertThat(p.sigma()).isEqualTo(0.8);
        assertThat(p.metadata()).containsEntry("audit", true);
    }

    @Test
    void reportsNestedProblemsWithTheirJsonPaths() {
        String body = """
                {"job_id":"job_1","parameters":{"na":9,"dose_mj_cm2":"x"},
                 "outputs":{"resolution_nm":10,"depth_of_focus_nm":50,"pattern_fidelity":1.5},
                 "tradeoff_signals":{"speed_vs_accuracy":0.5,"resolution_vs_dof":0.5,"cost_vs_fidelity":0.5,
                   "surrogate_reliability":0.5,"yield_risk":-0.1,"overall_health":0.5},
                 "compute_stats":{"compute_time_s":1},
                 "timestamp":"not a time","simulator_version":"1","adapter_type":"x","bogus":1}""";
        assertThatThrownBy(() -> reader.read(json.readTree(body), SimulationResult.class))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problems())
                        .extracting(FieldProblem::field, FieldProblem::constraint)
                        .containsExactlyInAnyOrderElementsOf(List.of(
                                org.assertj.core.groups.Tuple.tuple("bogus", "unknown"),
                                org.assertj.core.groups.Tuple.tuple("outputs.pattern_fidelity", "DecimalMax"),
                                org.assertj.core.groups.Tuple.tuple("parameters.dose_mj_cm2", "type"),
                                org.assertj.core.groups.Tuple.tuple("parameters.na", "DecimalMax"),
                                org.assertj.core.groups.Tuple.tuple("timestamp", "type"),
                                org.assertj.core.groups.Tuple.tuple("tradeoff_signals.yield_risk", "DecimalMin"))));
    }

    @Test
    void aNestedRecordThatCannotBeBuiltSkipsItsOwnFieldChecksButKeepsTheOthers() {
        assertThatThrownBy(() -> reader.read(json.readTree("{\"na\":0.9,\"dose_mj_cm2\":30}"), JobParameters.class))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problems())
                        .extracting(FieldProblem::field).containsExactly("na"));
    }

    private List<FieldProblem> problemsOf(String body, Class<? extends Record> type) {
        try {
            reader.read(json.readTree(body), type);
        } catch (InvalidRequestException e) {
            return e.problems();
        }
        throw new AssertionError("accepted: " + body);
    }

    @Test
    void anExplicitNullIsAProblemNamingTheFieldWhileAnAbsentFieldTakesItsDefault() {
        assertThat(reader.read(json.readTree("{\"na\":0.33,\"dose_mj_cm2\":30}"), JobParameters.class).sigma()).isEqualTo(0.8);
        assertThat(problemsOf("{\"na\":0.33,\"dose_mj_cm2\":30,\"sigma\":null,\"metadata\":{\"a\":{\"b\":null}}}", JobParameters.class))
                .extracting(FieldProblem::field, FieldProblem::constraint)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("metadata.a.b", "null"),
                        org.assertj.core.groups.Tuple.tuple("sigma", "null"));
        assertThat(problemsOf("{\"na\":null,\"dose_mj_cm2\":30}", JobParameters.class))
                .extracting(FieldProblem::field, FieldProblem::constraint)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("na", "null"));
    }

    @Test
    void stringsAreBoundedByTheirOwnSizeOrTheDefaultAndNotEchoedWhole() {
        String huge = "x".repeat(5000);
        List<FieldProblem> problems = problemsOf("{\"na\":0.33,\"dose_mj_cm2\":30,\"submitted_by\":\"" + "y".repeat(129)
                + "\",\"metadata\":{\"note\":\"" + huge + "\",\"" + "k".repeat(200) + "\":1}}", JobParameters.class);
        assertThat(problems).extracting(FieldProblem::constraint).containsOnly("Size");
        assertThat(problems).extracting(FieldProblem::field)
                .containsExactlyInAnyOrder("submitted_by", "metadata.note", "metadata." + "k".repeat(128) + "…");
        assertThat(problems).allSatisfy(p -> assertThat(String.valueOf(p.rejected()).length()).isLessThan(200));
        // a string field without its own bound: MAX_TEXT
        String result = """
                {"job_id":"j","parameters":{"na":0.33,"dose_mj_cm2":30},
                 "outputs":{"resolution_nm":10,"depth_of_focus_nm":50,"pattern_fidelity":0.5},
                 "tradeoff_signals":{"speed_vs_accuracy":0.5,"resolution_vs_dof":0.5,"cost_vs_fidelity":0.5,
                   "surrogate_reliability":0.5,"yield_risk":0.1,"overall_health":0.5},
                 "compute_stats":{"compute_time_s":1},
                 "timestamp":"2026-11-26T10:00:00Z","simulator_version":"%s","adapter_type":"x"}""";
        assertThat(reader.read(json.readTree(result.formatted("v".repeat(StrictRecordReader.MAX_TEXT))), SimulationResult.class)).isNotNull();
        assertThat(problemsOf(result.formatted("v".repeat(StrictRecordReader.MAX_TEXT + 1)), SimulationResult.class))
                .extracting(FieldProblem::field, FieldProblem::constraint)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("simulator_version", "Size"));
    }

    @Test
    void numbersMustBeFiniteAndFreeFormValuesShallow() {
        assertThat(problemsOf("{\"na\":1e400,\"dose_mj_cm2\":-1e400,\"job_class\":1e400,\"metadata\":{\"x\":1e999}}", JobParameters.class))
                .extracting(FieldProblem::field, FieldProblem::constraint)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("dose_mj_cm2", "finite"),
                        org.assertj.core.groups.Tuple.tuple("job_class", "type"),
                        org.assertj.core.groups.Tuple.tuple("metadata.x", "finite"),
                        org.assertj.core.groups.Tuple.tuple("na", "finite"));
        String deep = "[".repeat(StrictRecordReader.MAX_DEPTH + 1) + "]".repeat(StrictRecordReader.MAX_DEPTH + 1);
        assertThat(problemsOf("{\"na\":0.3,\"dose_mj_cm2\":30,\"metadata\":{\"d\":" + deep + "}}", JobParameters.class))
                .extracting(FieldProblem::constraint).containsExactly("depth");
        String shallow = "[".repeat(StrictRecordReader.MAX_DEPTH) + "]".repeat(StrictRecordReader.MAX_DEPTH);
        assertThat(reader.read(json.readTree("{\"na\":0.3,\"dose_mj_cm2\":30,\"metadata\":{\"d\":" + shallow + "}}"), JobParameters.class)
                .metadata()).containsKey("d");
    }
}
