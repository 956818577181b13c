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
}
