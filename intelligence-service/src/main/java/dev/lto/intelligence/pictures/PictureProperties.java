package dev.lto.intelligence.pictures;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code lto.pictures.*}: job pictures on disk (docs/pipeline.md, "Job pictures").
 *
 * @param enabled       store every finished simulation's pictures
 * @param dir           where; empty = {@code ${lto.data-dir}/pictures}; one folder per job
 * @param maxAge        a job's pictures older than this are deleted by the sweeper
 * @param maxBytes      above this total the sweeper deletes the oldest jobs' pictures first
 * @param sweepInterval how often the sweeper runs
 */
@ConfigurationProperties("lto.pictures")
record PictureProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("") String dir,
        @DefaultValue("14d") Duration maxAge,
        @DefaultValue("2147483648") long maxBytes,
        @DefaultValue("10m") Duration sweepInterval) {

    PictureProperties {
        if (maxAge.isNegative() || maxBytes < 0) {
            throw new IllegalArgumentException("lto.pictures: max-age and max-bytes must be ≥ 0");
        }
    }

    PictureProperties inDataDir(java.nio.file.Path dataDir) {
        return dir.isBlank() ? new PictureProperties(enabled, dataDir.resolve("pictures").toString(), maxAge, maxBytes,
                sweepInterval) : this;
    }
}
