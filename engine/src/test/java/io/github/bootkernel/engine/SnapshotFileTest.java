package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.boot.HostCounters;
import io.github.bootkernel.engine.kvm.MemoryFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot files on the real {@code /dev/kvm}: a snapshot saved, loaded back (as another JVM
 * would: nothing but the file and the configuration) and restored; and every way a file can be
 * refused, each with its reason. The guests are {@link MachineSnapshotTest}'s.
 */
class SnapshotFileTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern ANY = Pattern.compile(".*");

    @TempDir
    Path dir;

    private MachineConfig count;
    private MachineConfig append;

    @BeforeEach
    void guests() throws IOException {
        count = MachineConfig.builder(TinyGuests.write(dir, "count", MachineSnapshotTest.COUNT)).memoryMiB(32).build();
        append = MachineConfig.builder(TinyGuests.write(dir, "append", MachineSnapshotTest.APPEND)).memoryMiB(32)
                .build();
    }

    @Test
    void aLoadedSnapshotHoldsWhatWasSavedAndItsClonesContinueTheCount() throws Exception {
        Path file = dir.resolve("count.snapshot");
        Snapshot loaded;
        String next;
        byte[] savedState;
        java.util.List<MemoryFile.Extent> savedData;
        HostIdentity host = HostIdentity.of(count.kvmDevice());
        try (Machine source = Machine.start(count)) {
            source.console().awaitLine(Pattern.compile("00000100"), WAIT).orElseThrow();
            try (Snapshot snapshot = source.snapshot()) {
                source.awaitExit(WAIT).orElseThrow();
                next = String.format("%08X", Long.parseLong(source.console().tail(1).get(0), 16) + 1);
                snapshot.save(file);
                assertThat(snapshot.file()).hasValue(file);
                savedData = snapshot.memoryFile().dataExtents();
                savedState = SnapshotFile.encode(snapshot, host, EngineBuild.digest(), savedData, 0);
                loaded = Snapshot.load(file, count);
            }
        }
        try (loaded) {
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("r--r--r--"));
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left")
                        .containsExactlyInAnyOrder("count", "append", "count.snapshot");
            }
            long data = savedData.stream().mapToLong(MemoryFile.Extent::length).sum();
            assertThat(data).as("the guest's code and stack, not its 32 MiB").isBetween(4096L, 1L << 20);
            assertThat(Files.size(file)).as("state and header in the first pages, then the data")
                    .isBetween(data + 4096, data + 4 * 4096);
            assertThat(loaded.memoryFile().dataExtents()).isEqualTo(savedData);
            assertThat(SnapshotFile.encode(loaded, host, EngineBuild.digest(), loaded.memoryFile().dataExtents(), 0))
                    .as("every part of the state, encoded again").isEqualTo(savedState);
            assertThat(loaded.file()).hasValue(file);
            assertThat(loaded.toString()).endsWith("loaded from " + file + ")");
            Files.delete(file); // the loaded snapshot does not need it
            try (Machine a = loaded.restore(); Machine b = loaded.restore()) {
                assertThat(a.console().awaitLine(ANY, WAIT, 0)).hasValue(next);
                assertThat(b.console().awaitLine(ANY, WAIT, 0)).hasValue(next);
                assertThat(a.clonedFrom()).hasValue(loaded.toString());
            }
        }
    }

    @Test
    void aLoadedSnapshotsRamHoldsWhatTheGuestWroteBeforeTheSnapshot() throws Exception {
        Path file = dir.resolve("append.snapshot");
        try (Machine source = Machine.start(append)) {
            source.console().awaitLine(Pattern.compile(">"), WAIT).orElseThrow();
            source.sendInput("s");
            source.console().awaitLine(Pattern.compile("s"), WAIT).orElseThrow();
            try (Snapshot snapshot = source.snapshot()) {
                snapshot.save(file);
            }
        }
        long fds = HostCounters.openFds();
        try (Snapshot loaded = Snapshot.load(file, append); Machine clone = loaded.restore()) {
            clone.sendInput("a");
            assertThat(clone.console().awaitLine(Pattern.compile("s.*"), WAIT)).as("the buffer in RAM, then the new byte")
                    .hasValue("sa");
        }
        assertThat(HostCounters.openFds()).as("open file descriptors after closing").isLessThanOrEqualTo(fds);
    }

    @Test
    void aMissingFileIsMissing() {
        assertThatThrownBy(() -> Snapshot.load(dir.resolve("none"), count)).isInstanceOfSatisfying(
                SnapshotFileException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SnapshotFileException.Reason.MISSING);
                    assertThat(e.file()).isEqualTo(dir.resolve("none"));
                }).hasMessage("snapshot file " + dir.resolve("none") + ": no such file");
    }

    @Test
    void damagedFilesAreRefusedAsCorruptAndAnotherFormatAsFormat() throws Exception {
        Path file = saved(count, "00000010");
        byte[] good = Files.readAllBytes(file);

        Path notOne = write("not-one", "hello, world: not a snapshot".getBytes());
        assertRefused(notOne, count, SnapshotFileException.Reason.CORRUPT, "not a snapshot file");

        byte[] flipped = good.clone();
        flipped[SnapshotFile.HEADER + 40] ^= 1;
        assertRefused(write("flipped", flipped), count, SnapshotFileException.Reason.CORRUPT, "SHA-256");

        byte[] ramFlipped = good.clone();
        ramFlipped[good.length - 10] ^= 0x40;
        assertRefused(write("ram-flipped", ramFlipped), count, SnapshotFileException.Reason.CORRUPT,
                "its RAM data does not match its CRC-32C (the file is damaged)");

        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 4096);
        assertRefused(write("truncated", truncated), count, SnapshotFileException.Reason.CORRUPT,
                "bytes of RAM from offset");

        byte[] headerOnly = java.util.Arrays.copyOf(good, 20);
        assertRefused(write("header-only", headerOnly), count, SnapshotFileException.Reason.CORRUPT,
                "does not fit a file of 20 bytes");

        byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
        assertRefused(write("longer", longer), count, SnapshotFileException.Reason.CORRUPT, "bytes, but its state says");

        byte[] future = good.clone();
        ByteBuffer.wrap(future).putInt(8, Snapshot.FILE_FORMAT + 1);
        assertRefused(write("future", future), count, SnapshotFileException.Reason.FORMAT,
                "format version " + (Snapshot.FILE_FORMAT + 1) + ", but this bootkernel reads version "
                        + Snapshot.FILE_FORMAT);
    }

    @Test
    void aFileOfAnotherHostBuildOrConfigurationIsRefusedNamingTheDifference() throws Exception {
        Path other = dir.resolve("other-host.snapshot");
        Path otherBuild = dir.resolve("other-build.snapshot");
        try (Machine source = Machine.start(count)) {
            source.console().awaitLine(Pattern.compile("00000010"), WAIT).orElseThrow();
            try (Snapshot snapshot = source.snapshot()) {
                SnapshotFile.write(snapshot, other, new HostIdentity("Linux 0.0-elsewhere, KVM with 1 CPUID leaf",
                        "0123456789abcdef"));
                SnapshotFile.write(snapshot, otherBuild, HostIdentity.of(count.kvmDevice()), "00000000feedface");
            }
        }
        assertRefused(otherBuild, count, SnapshotFileException.Reason.FORMAT, "written by another build of the"
                + " bootkernel engine (classes 00000000feedface; this one's are " + EngineBuild.digest() + ")");
        assertRefused(other, count, SnapshotFileException.Reason.OTHER_HOST,
                "taken on another host: Linux 0.0-elsewhere, KVM with 1 CPUID leaf (identity 0123456789abcdef); this"
                        + " one is Linux ");

        Path file = saved(count, "00000010");
        MachineConfig bigger = MachineConfig.builder(count.kernel()).memoryMiB(64).build();
        assertRefused(file, bigger, SnapshotFileException.Reason.OTHER_CONFIG, "memory (MiB) 32 in the file, 64 asked for");
        MachineConfig otherLine = MachineConfig.builder(count.kernel()).memoryMiB(32).cmdline("console=ttyS0 quiet")
                .build();
        assertRefused(file, otherLine, SnapshotFileException.Reason.OTHER_CONFIG, "'console=ttyS0 quiet' asked for");
    }

    @Test
    void aFileThatCannotBeWrittenLeavesNothingBehind() throws Exception {
        Path missingDirectory = dir.resolve("no-such-dir").resolve("x.snapshot");
        try (Machine source = Machine.start(count)) {
            source.console().awaitLine(Pattern.compile("00000010"), WAIT).orElseThrow();
            Snapshot snapshot = source.snapshot();
            try (snapshot) {
                assertThatThrownBy(() -> snapshot.save(missingDirectory)).isInstanceOfSatisfying(
                        SnapshotFileException.class, e -> assertThat(e.reason()).isEqualTo(SnapshotFileException.Reason.IO))
                        .hasMessageStartingWith("snapshot file " + missingDirectory + ": cannot write it: ");
                assertThat(snapshot.file()).isEmpty();
            }
            assertThatThrownBy(() -> snapshot.save(dir.resolve("closed.snapshot")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("count", "append");
        }
    }

    private Path saved(MachineConfig config, String line) throws Exception {
        Path file = dir.resolve("saved-" + line + ".snapshot");
        try (Machine source = Machine.start(config)) {
            source.console().awaitLine(Pattern.compile(line), WAIT).orElseThrow();
            try (Snapshot snapshot = source.snapshot()) {
                snapshot.save(file);
            }
        }
        return file;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap(bytes));
        }
        return file;
    }

    private static void assertRefused(Path file, MachineConfig config, SnapshotFileException.Reason reason,
                                      String detail) {
        assertThatThrownBy(() -> Snapshot.load(file, config)).isInstanceOfSatisfying(SnapshotFileException.class,
                e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason))
                .hasMessageStartingWith("snapshot file " + file + ": ").hasMessageContaining(detail);
    }
}
