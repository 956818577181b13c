package dev.lto.intelligence.pictures;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.simulator.spi.BossungCurve;
import dev.lto.simulator.spi.ImageArray;
import dev.lto.simulator.spi.SimulationArtifacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobPicturesTest {

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-12-03T12:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Pictures of a given size (bytes), content tagged by job. */
    record Fake(String jobId, int size) implements SimulationArtifacts {
        byte[] bytes(char kind) {
            byte[] b = new byte[size];
            b[0] = (byte) kind;
            b[size - 1] = (byte) jobId.hashCode();
            return b;
        }

        @Override public ImageArray aerialImage() { return new ImageArray(1, 1, 1.0, new float[1]); }
        @Override public ImageArray resistImage() { return aerialImage(); }
        @Override public double printThreshold() { return 0.2; }
        @Override public double targetCdNm() { return 20; }
        @Override public List<BossungCurve> bossung() { return List.of(); }
        @Override public byte[] aerialPng() { return bytes('a'); }
        @Override public byte[] resistPng() { return bytes('r'); }
        @Override public byte[] bossungPng() { return bytes('b'); }
    }

    static PictureProperties props(Path dir, Duration maxAge, long maxBytes) {
        return new PictureProperties(true, dir.toString(), maxAge, maxBytes, Duration.ofMinutes(10));
    }

    @Test
    void storedPicturesAreFoundAndReadBackByAnotherInstance(@TempDir Path dir) {
        MovingClock clock = new MovingClock();
        JobPictures writer = new JobPictures(props(dir, Duration.ofDays(1), 1 << 20), clock);
        Fake a = new Fake("job_0000abcd", 100);
        assertThat(writer.store(a.jobId(), a)).isTrue();
        // A new instance on the same folder (a restarted process) finds them.
        JobPictures reader = new JobPictures(props(dir, Duration.ofDays(1), 1 << 20), clock);
        assertThat(reader.read(reader.find(a.jobId(), "aerial.png").orElseThrow())).isEqualTo(a.aerialPng());
        assertThat(reader.read(reader.find(a.jobId(), "resist.png").orElseThrow())).isEqualTo(a.resistPng());
        assertThat(reader.read(reader.find(a.jobId(), "bossung.png").orElseThrow())).isEqualTo(a.bossungPng());
        assertThat(reader.find(a.jobId(), "other.png")).isEmpty();
        assertThat(reader.find("job_nothere", "aerial.png")).isEmpty();
    }

    @Test
    void idsThatCouldLeaveTheFolderAreRefused(@TempDir Path dir) throws Exception {
        JobPictures pictures = new JobPictures(props(dir.resolve("pictures"), Duration.ofDays(1), 1 << 20), new MovingClock());
        for (String id : List.of("../escape", "..", "a/b", "")) {
            assertThat(pictures.store(id, new Fake("x", 10))).as(id).isFalse();
            assertThat(pictures.find(id, "aerial.png")).as(id).isEmpty();
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).doesNotContain("escape");
        }
    }

    @Test
    void theSweeperDeletesPicturesOlderThanMaxAge(@TempDir Path dir) {
        MovingClock clock = new MovingClock();
        JobPictures pictures = new JobPictures(props(dir, Duration.ofHours(36), 1 << 20), clock);
        for (String id : List.of("job_00000001", "job_00000002", "job_00000003")) {
            pictures.store(id, new Fake(id, 100));
            clock.now = clock.now.plus(Duration.ofDays(1));
        }
        // Now: job 1 is 3 days old, job 2 two days, job 3 one day; max age 36 h.
        JobPictures.Swept swept = pictures.sweep();
        assertThat(swept.jobsDeleted()).isEqualTo(2);
        assertThat(swept.bytesDeleted()).isEqualTo(600);
        assertThat(pictures.find("job_00000001", "aerial.png")).isEmpty();
        assertThat(pictures.find("job_00000002", "aerial.png")).isEmpty();
        assertThat(pictures.find("job_00000003", "aerial.png")).isPresent();
        assertThat(Files.exists(dir.resolve("job_00000001"))).isFalse();
        assertThat(pictures.sweep().jobsDeleted()).isZero();
    }

    @Test
    void theSweeperKeepsTheFolderUnderMaxBytesOldestFirst(@TempDir Path dir) {
        MovingClock clock = new MovingClock();
        // Each job holds 3 × 1000 bytes; room for two jobs.
        JobPictures pictures = new JobPictures(props(dir, Duration.ofDays(30), 6_500), clock);
        for (String id : List.of("job_00000001", "job_00000002", "job_00000003", "job_00000004")) {
            pictures.store(id, new Fake(id, 1000));
            clock.now = clock.now.plus(Duration.ofMinutes(5));
        }
        JobPictures.Swept swept = pictures.sweep();
        assertThat(swept.jobsDeleted()).isEqualTo(2);
        assertThat(swept.bytesKept()).isEqualTo(6_000);
        assertThat(pictures.find("job_00000001", "aerial.png")).isEmpty();
        assertThat(pictures.find("job_00000002", "aerial.png")).isEmpty();
        assertThat(pictures.find("job_00000003", "aerial.png")).isPresent();
        assertThat(pictures.find("job_00000004", "bossung.png")).isPresent();
    }

    @Test
    void disabledStoresNothing(@TempDir Path dir) {
        JobPictures pictures = new JobPictures(new PictureProperties(false, dir.toString(), Duration.ofDays(1), 1 << 20,
                Duration.ofMinutes(10)), new MovingClock());
        assertThat(pictures.store("job_00000001", new Fake("job_00000001", 10))).isFalse();
        assertThat(pictures.find("job_00000001", "aerial.png")).isEmpty();
    }
}
