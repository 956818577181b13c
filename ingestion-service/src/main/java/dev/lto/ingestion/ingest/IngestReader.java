package dev.lto.ingestion.ingest;

import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.SimulationResult;
import dev.lto.contracts.events.WaferYield;
import dev.lto.platform.web.FieldProblem;
import dev.lto.platform.web.Ids;
import dev.lto.platform.web.InvalidRequestException;
import dev.lto.platform.web.StrictRecordReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Strict reading of ingest bodies: {@link StrictRecordReader} for the contract, plus what the
 * contract alone does not say but downstream relies on, all reported in one problem.
 *
 * <ul>
 *   <li>{@code job_id} must be a job id as a submission would have it ({@code [A-Za-z0-9_.-]{1,64}}):
 *       it is the join key with the job, part of the event id, and part of a URL.</li>
 *   <li>A result's {@code parameters.job_id}, when given, must equal its {@code job_id}; when omitted
 *       it is the result's {@code job_id} (the contract would otherwise invent a fresh one).</li>
 * </ul>
 */
@Component
class IngestReader {

    private final StrictRecordReader reader;
    private final int maxSnapshots;

    IngestReader(StrictRecordReader reader, @Value("${lto.ingest.max-snapshots:1000}") int maxSnapshots) {
        this.reader = reader;
        this.maxSnapshots = maxSnapshots;
    }

    SimulationResult result(JsonNode body) {
        List<FieldProblem> problems = new ArrayList<>();
        checkJobId(body, "", problems);
        JsonNode parameters = body.path("parameters");
        JsonNode ownId = body.path("job_id");
        JsonNode parametersId = parameters.path("job_id");
        if (ownId.isString() && parametersId.isString() && !ownId.stringValue().equals(parametersId.stringValue())) {
            problems.add(new FieldProblem("parameters.job_id", "mismatch",
                    "must equal job_id (" + ownId.stringValue() + ") or be omitted", parametersId.stringValue()));
        }
        SimulationResult result = read(problems, "", () -> reader.read(body, SimulationResult.class));
        boolean idOmitted = parameters.isObject() && (parametersId.isMissingNode() || parametersId.isNull());
        return idOmitted
                ? new SimulationResult(result.jobId(), result.parameters().withJobId(result.jobId()), result.outputs(),
                        result.tradeoffSignals(), result.computeStats(), result.timestamp(), result.simulatorVersion(),
                        result.adapterType())
                : result;
    }

    /** One snapshot object, or a non-empty array of at most {@code lto.ingest.max-snapshots}; problems as {@code [i].field}. */
    List<MetricSnapshot> snapshots(JsonNode body) {
        if (body.isObject()) {
            List<FieldProblem> problems = new ArrayList<>();
            checkJobId(body, "", problems);
            return List.of(read(problems, "", () -> reader.read(body, MetricSnapshot.class)));
        }
        if (!body.isArray()) {
            throw new InvalidRequestException(List.of(new FieldProblem("$", "type",
                    "must be a metric snapshot object or an array of them", null)));
        }
        if (body.isEmpty() || body.size() > maxSnapshots) {
            throw new InvalidRequestException(List.of(new FieldProblem("$", "Size",
                    "must hold 1 to " + maxSnapshots + " snapshots", body.size())));
        }
        List<FieldProblem> problems = new ArrayList<>();
        List<MetricSnapshot> snapshots = new ArrayList<>(body.size());
        for (int i = 0; i < body.size(); i++) {
            JsonNode element = body.get(i);
            String prefix = "[" + i + "]";
            List<FieldProblem> own = new ArrayList<>();
            checkJobId(element, prefix + ".", own);
            try {
                snapshots.add(read(own, prefix, () -> reader.read(element, MetricSnapshot.class)));
            } catch (InvalidRequestException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        return snapshots;
    }

    WaferYield waferYield(JsonNode body) {
        List<FieldProblem> problems = new ArrayList<>();
        checkJobId(body, "", problems);
        return read(problems, "", () -> reader.read(body, WaferYield.class));
    }

    private static void checkJobId(JsonNode node, String prefix, List<FieldProblem> problems) {
        JsonNode id = node.path("job_id");
        // Blank or non-string ids are the contract's to report (NotBlank, type); this adds the form.
        if (id.isString() && !id.stringValue().isBlank()) {
            FieldProblem p = Ids.problem(prefix + "job_id", id.stringValue());
            if (p != null) {
                problems.add(p);
            }
        }
    }

    /**
     * Runs the contract read and merges its problems with {@code extra}, prefixed with
     * {@code prefix} (an array element), so a client sees every problem in one answer.
     */
    private static <T> T read(List<FieldProblem> extra, String prefix, Supplier<T> contractRead) {
        List<FieldProblem> problems = new ArrayList<>();
        T value = null;
        try {
            value = contractRead.get();
        } catch (InvalidRequestException e) {
            for (FieldProblem f : e.problems()) {
                String field = prefix.isEmpty() ? f.field() : f.field().equals("$") ? prefix : prefix + "." + f.field();
                problems.add(new FieldProblem(field, f.constraint(), f.message(), f.rejected()));
            }
        }
        for (FieldProblem f : extra) {
            if (problems.stream().noneMatch(p -> p.field().equals(f.field()))) {
                problems.add(f);
            }
        }
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparing(FieldProblem::field));
            throw new InvalidRequestException(problems);
        }
        return value;
    }
}
