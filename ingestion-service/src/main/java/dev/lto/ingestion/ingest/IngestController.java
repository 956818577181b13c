package dev.lto.ingestion.ingest;

import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.SimulationResult;
import dev.lto.contracts.events.WaferYield;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The seed's ingestion API for data produced outside LTO: {@code POST /ingest/job} (a finished
 * simulation), {@code /ingest/metrics} (progress snapshots) and {@code /ingest/yield} (measured
 * wafer yield). Each reads strictly, publishes, and answers 202 once Redis has the message.
 */
@RestController
@RequestMapping(path = "/ingest", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
class IngestController {

    private final IngestReader reader;
    private final Ingests ingests;

    IngestController(IngestReader reader, Ingests ingests) {
        this.reader = reader;
        this.ingests = ingests;
    }

    @PostMapping("/job")
    ResponseEntity<Receipts.Result> job(@RequestBody JsonNode body) {
        SimulationResult result = reader.result(body);
        Receipts.Result receipt = ingests.result(result);
        return ResponseEntity.accepted().location(URI.create(receipt.links().get("self"))).body(receipt);
    }

    @PostMapping("/metrics")
    ResponseEntity<Receipts.Snapshots> metrics(@RequestBody JsonNode body) {
        List<MetricSnapshot> snapshots = reader.snapshots(body);
        return ResponseEntity.accepted().body(ingests.snapshots(snapshots));
    }

    @PostMapping("/yield")
    ResponseEntity<Receipts.Yield> waferYield(@RequestBody JsonNode body) {
        WaferYield measured = reader.waferYield(body);
        return ResponseEntity.accepted().body(ingests.waferYield(measured));
    }
}
