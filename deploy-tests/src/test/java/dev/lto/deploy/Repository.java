package dev.lto.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository checkout these tests read (the module runs with its own directory as working directory). */
final class Repository {

    static final Path ROOT = locate();

    private Repository() {
    }

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + relative, e);
        }
    }

    private static Path locate() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("deploy/routes.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no deploy/routes.yaml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
