package io.shipsync.shipment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/** The failed folder of a test's data folder, as a warehouse person looks at it. */
final class FailedFolder {

    private FailedFolder() {
    }

    /**
     * Waits until the dropped file has left the inbox for the failed folder with its
     * reason file beside it, and returns the reason.
     */
    static String awaitReason(Path dataDir, String fileName, Duration atMost) throws IOException {
        Path failed = dataDir.resolve("failed");
        await().atMost(atMost)
            .until(() -> Files.notExists(dataDir.resolve("inbox").resolve(fileName)) && find(failed, fileName) != null
                    && find(failed, fileName + ".reason.txt") != null);
        return Files.readString(find(failed, fileName + ".reason.txt"));
    }

    /** The file in the failed folder named {@code <time>-<id>-<name>}. */
    private static Path find(Path failed, String name) throws IOException {
        if (!Files.isDirectory(failed)) {
            return null;
        }
        try (Stream<Path> files = Files.list(failed)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-" + name)).findFirst().orElse(null);
        }
    }

}
