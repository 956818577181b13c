package dev.lto.intelligence.pictures;

import dev.lto.simulator.spi.SimulationArtifacts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A finished job's pictures on disk: {@code <dir>/<job id>/aerial.png|resist.png|bossung.png}, so
 * that they outlive the process and its in-memory cache of recent jobs. Written once per job
 * (temporary file, then an atomic move), read by the job API, deleted by {@link #sweep} when older
 * than {@code max-age} or, oldest first, while the folder holds more than {@code max-bytes}.
 */
public class JobPictures {

    /** The pictures a job has, by file name. */
    public static final Map<String, Function<SimulationArtifacts, byte[]>> NAMES = Map.of(
            "aerial.png", SimulationArtifacts::aerialPng,
            "resist.png", SimulationArtifacts::resistPng,
            "bossung.png", SimulationArtifacts::bossungPng);

    private static final Logger log = LoggerFactory.getLogger(JobPictures.class);
    /** Job ids become folder names: only ids that cannot climb out of the folder. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    private final Path dir;
    private final PictureProperties props;
    private final Clock clock;

    JobPictures(PictureProperties props, Clock clock) {
        this.props = props;
        this.dir = Path.of(props.dir());
        this.clock = clock;
    }

    /** Renders and stores the job's pictures; false (logged) when they could not be written. */
    public boolean store(String jobId, SimulationArtifacts a) {
        if (!props.enabled() || !SAFE_ID.matcher(jobId).matches() || jobId.startsWith(".")) {
            return false;
        }
        try {
            Path jobDir = Files.createDirectories(dir.resolve(jobId));
            for (var e : NAMES.entrySet()) {
                Path tmp = Files.createTempFile(jobDir, ".", ".tmp");
                Files.write(tmp, e.getValue().apply(a));
                try {
                    Files.move(tmp, jobDir.resolve(e.getKey()), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException notAtomic) {
                    Files.move(tmp, jobDir.resolve(e.getKey()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            // The folder's time is the job's: the sweeper ages by it.
            Files.setLastModifiedTime(jobDir, FileTime.from(clock.instant()));
            return true;
        } catch (IOException | RuntimeException e) {
            log.warn("Pictures of job {} not stored under {}: {}", jobId, dir, e.toString());
            return false;
        }
    }

    /** A stored picture of the job ({@code aerial.png}, {@code resist.png}, {@code bossung.png}). */
    public Optional<Path> find(String jobId, String name) {
        if (!NAMES.containsKey(name) || !SAFE_ID.matcher(jobId).matches() || jobId.startsWith(".")) {
            return Optional.empty();
        }
        Path p = dir.resolve(jobId).resolve(name);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    public byte[] read(Path picture) {
        try {
            return Files.readAllBytes(picture);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What one sweep removed. */
    public record Swept(int jobsDeleted, long bytesDeleted, int jobsKept, long bytesKept) {
    }

    /** Deletes jobs' pictures older than max-age, then the oldest until at most max-bytes remain. */
    public Swept sweep() {
        if (!Files.isDirectory(dir)) {
            return new Swept(0, 0, 0, 0);
        }
        record JobDir(Path path, Instant time, long bytes) {
        }
        List<JobDir> jobs = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.filter(Files::isDirectory).toList()) {
                jobs.add(new JobDir(p, Files.getLastModifiedTime(p).toInstant(), size(p)));
            }
        } catch (IOException e) {
            log.warn("Picture sweep of {} failed: {}", dir, e.toString());
            return new Swept(0, 0, 0, 0);
        }
        jobs.sort(Comparator.comparing(JobDir::time));
        Instant oldest = clock.instant().minus(props.maxAge());
        long total = jobs.stream().mapToLong(JobDir::bytes).sum();
        int deleted = 0;
        long freed = 0;
        for (JobDir j : jobs) {
            if (!j.time().isBefore(oldest) && total <= props.maxBytes()) {
                break; // sorted oldest first: the rest are younger and fit
            }
            if (delete(j.path())) {
                deleted++;
                freed += j.bytes();
                total -= j.bytes();
            }
        }
        if (deleted > 0) {
            log.info("Picture sweep: deleted the pictures of {} jobs ({} bytes); {} jobs ({} bytes) kept", deleted, freed,
                    jobs.size() - deleted, total);
        }
        return new Swept(deleted, freed, jobs.size() - deleted, total);
    }

    private static long size(Path jobDir) throws IOException {
        try (Stream<Path> files = Files.list(jobDir)) {
            long s = 0;
            for (Path f : files.toList()) {
                s += Files.isRegularFile(f) ? Files.size(f) : 0;
            }
            return s;
        }
    }

    private static boolean delete(Path jobDir) {
        try (Stream<Path> files = Files.list(jobDir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(jobDir);
            return true;
        } catch (IOException e) {
            log.warn("Pictures under {} not deleted: {}", jobDir, e.toString());
            return false;
        }
    }
}
