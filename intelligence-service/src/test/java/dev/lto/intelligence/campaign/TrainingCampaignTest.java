package dev.lto.intelligence.campaign;

import dev.lto.engine.data.Split;
import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.models.FakePhysics;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.contracts.JobParameters;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

class TrainingCampaignTest {

    @TempDir
    Path dir;

    @Test
    void latinHypercubeUsesEveryStratumOncePerDimensionAndIsReproducible() {
        double[][] a = ParameterSpace.latinHypercube(50, 9, 7);
        double[][] b = ParameterSpace.latinHypercube(50, 9, 7);
        assertThat(a).isDeepEqualTo(b);
        for (int d = 0; d < 9; d++) {
            boolean[] seen = new boolean[50];
            for (double[] row : a) {
                int stratum = (int) (row[d] * 50);
                assertThat(seen[stratum]).as("stratum %d of dimension %d used twice", stratum, d).isFalse();
                seen[stratum] = true;
            }
        }
        assertThat(java.util.Arrays.deepEquals(ParameterSpace.latinHypercube(50, 9, 8), a)).isFalse();
    }

    @Test
    void designedJobsSatisfyTheContractAndCoverItsRanges() {
        Validator validator = Validation.buildDefaultValidatorFactory().getValidator();
        List<JobParameters> jobs = new ParameterSpace(0.8).design("t", 0, 400, 3);
        for (JobParameters p : jobs) {
            assertThat(validator.validate(p)).as(p.toString()).isEmpty();
        }
        assertThat(jobs.stream().mapToDouble(JobParameters::na).min().orElseThrow()).isLessThan(0.12);
        assertThat(jobs.stream().mapToDouble(JobParameters::na).max().orElseThrow()).isGreaterThan(0.53);
        assertThat(jobs.stream().mapToDouble(JobParameters::doseMjCm2).min().orElseThrow()).isLessThan(1.1);
        assertThat(jobs.stream().mapToDouble(JobParameters::doseMjCm2).max().orElseThrow()).isGreaterThan(90);
        long toolLines = jobs.stream().filter(p -> List.of(13.5, 193.0, 248.0, 365.0).contains(p.wavelengthNm())).count();
        assertThat(toolLines).isBetween(300L, 340L);
        assertThat(jobs.stream().map(JobParameters::jobClass).distinct().count()).isEqualTo(20);
    }

    @Test
    void campaignReachesTheCriticalShareSplitsByJobStratifiedAndResumes() throws Exception {
        SingleConnectionDataSource ds = DuckDbTestSupport.dataSource(dir);
        try {
            CampaignStore store = DuckDbTestSupport.store(JdbcClient.create(ds));
            FakePhysics sim = new FakePhysics();
            TrainingCampaign campaign = DuckDbTestSupport.campaign(sim, store);
            List<CampaignProgress> progress = new ArrayList<>();

            List<CampaignSample> all = campaign.run("t1", DuckDbTestSupport.spec(120, 11), progress::add);

            long critical = all.stream().filter(CampaignSample::critical).count();
            List<CampaignSample> base = all.stream().filter(s -> s.stratum().equals("base")).toList();
            assertThat(base).hasSize(120);
            // The fake makes ~13% of a plain design critical: the top-up must have run and lifted the share.
            assertThat(base.stream().filter(CampaignSample::critical).count() / 120.0).isLessThan(0.15);
            assertThat(all.stream().anyMatch(s -> s.stratum().equals("critical-topup"))).isTrue();
            assertThat((double) critical / all.size()).isGreaterThanOrEqualTo(0.15);
            assertThat(sim.calls.get()).isEqualTo(all.size());

            // Every job in exactly one split; each split holds critical jobs in about the campaign's proportion.
            assertThat(all).allSatisfy(s -> assertThat(s.split()).isNotNull());
            Map<Split, List<CampaignSample>> bySplit = all.stream().collect(Collectors.groupingBy(CampaignSample::split));
            assertThat(bySplit.keySet()).containsExactlyInAnyOrder(Split.values());
            double share = (double) critical / all.size();
            for (Split s : List.of(Split.TRAIN, Split.CALIBRATION, Split.TEST)) {
                double splitShare = bySplit.get(s).stream().filter(CampaignSample::critical).count() / (double) bySplit.get(s).size();
                assertThat(splitShare).as(s.name()).isCloseTo(share, org.assertj.core.data.Offset.offset(0.06));
            }
            assertThat(bySplit.get(Split.TRAIN).size() / (double) all.size()).isCloseTo(0.55, org.assertj.core.data.Offset.offset(0.02));
            assertThat(progress.getLast().done()).isEqualTo(progress.getLast().planned());

            // Same id again: everything is stored, nothing is simulated twice, the data is the same.
            List<CampaignSample> again = campaign.run("t1", DuckDbTestSupport.spec(120, 11), null);
            assertThat(sim.calls.get()).isEqualTo(all.size());
            assertThat(again.stream().map(s -> s.parameters().doseMjCm2()).toList())
                    .isEqualTo(all.stream().map(s -> s.parameters().doseMjCm2()).toList());

            Path csv = store.export("t1", dir.resolve("t1.csv"));
            assertThat(Files.readAllLines(csv)).hasSize(all.size() + 1);
            Path parquet = store.export("t1", dir.resolve("t1.parquet"));
            assertThat(Files.size(parquet)).isGreaterThan(1000);
        } finally {
            ds.destroy();
        }
    }
}
