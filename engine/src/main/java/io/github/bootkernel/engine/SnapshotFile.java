package io.github.bootkernel.engine;

import java.nio.file.Path;

/** The snapshot file format: not written yet. */
final class SnapshotFile {

    private SnapshotFile() {
    }

    static void write(Snapshot snapshot, Path file) {
        throw new UnsupportedOperationException("not yet");
    }

    static Snapshot read(Path file, MachineConfig config) {
        throw new UnsupportedOperationException("not yet");
    }
}
