package io.github.bootkernel.engine;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A snapshot file ({@link Snapshot#save(Path)}, {@link Snapshot#load(Path, MachineConfig)}) that
 * cannot be written or used. The message names the file and the reason; {@link #reason()} says
 * which kind it is, so a caller that keeps snapshot files as a cache can tell "not there" and
 * "not for this host" (take a new one) from a failure it should report.
 */
public final class SnapshotFileException extends EngineException {

    private static final long serialVersionUID = 1L;

    /** Why the file cannot be used. */
    public enum Reason {
        /** No file at the path. */
        MISSING,
        /** The host refused to read or write it (an {@link java.io.IOException} is the cause). */
        IO,
        /** Not a snapshot file, or damaged: a bad magic, checksum, length or value. */
        CORRUPT,
        /**
         * Written in another version of the format ({@link Snapshot#FILE_FORMAT}), or by another
         * build of the engine (its classes differ: {@link Snapshot#hostIdentity(Path)} covers them).
         */
        FORMAT,
        /**
         * Taken on another host: its KVM offers other CPUID entries, MSRs or state ioctls, or it
         * runs another kernel release ({@link Snapshot#hostIdentity(Path)}).
         */
        OTHER_HOST,
        /** Taken of a guest whose configuration differs from the one asked for. */
        OTHER_CONFIG
    }

    private final Path file;
    private final Reason reason;

    /**
     * @param file the snapshot file
     * @param reason the kind of failure
     * @param detail what is wrong, in words
     * @param cause the underlying failure, may be null
     */
    public SnapshotFileException(Path file, Reason reason, String detail, Throwable cause) {
        super("snapshot file " + file + ": " + detail, cause);
        this.file = Objects.requireNonNull(file, "file");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return the snapshot file */
    public Path file() {
        return file;
    }

    /** @return the kind of failure */
    public Reason reason() {
        return reason;
    }
}
