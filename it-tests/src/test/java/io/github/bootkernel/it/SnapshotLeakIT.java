package io.github.bootkernel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.Snapshot;
import io.github.bootkernel.kernels.Catalog;
import io.github.bootkernel.kernels.initramfs.BusyboxInitramfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: 100 clones in sequence and 8 at once of one snapshot of a real kernel ({@code tiny},
 * the busybox shell on its console, snapshotted at the prompt), each answering a command line,
 * leave nothing in the JVM once they and the snapshot are closed: no KVM descriptor or memory file,
 * no {@code kvm_run} or guest-RAM mapping, no engine thread, and the JVM's own descriptors,
 * threads and mappings back where they were.
 */
@ExtendWith(StockKernelHost.class)
class SnapshotLeakIT {

    private static final Duration BOOT = Duration.ofMinutes(3);
    private static final Duration ANSWER = Duration.ofSeconds(60);
    private static final int SEQUENCE = 100;
    private static final int AT_ONCE = 8;
    /**
     * Mappings the JVM itself may add: its heap and code cache are reserved once and committed in
     * parts, and each boundary between a committed and an uncommitted part is a line of
     * {@code /proc/self/maps}; the heap and the code cache grow while the clones run. Measured in
     * the nested VM: 271 before, 270 after the clones in sequence and after the 8 at once, 272
     * after closing everything; the benchmark's JVM, which compiles more, added 42. A leaked clone
     * would leave at least three mappings (its RAM, {@code kvm_run} and the coalesced ring), 324
     * for all of them, and those are counted exactly in {@link ProcessResources#kvmMaps()}.
     */
    private static final long JVM_MAPPING_SLACK = 48;

    @TempDir
    Path dir;

    @Test
    void aHundredClonesInSequenceAndEightAtOnceLeaveNothingOnceClosed() throws Exception {
        Path image = BusyboxInitramfs.create().build().writeTo(Files.createTempFile(dir, "shell", ".cpio"));
        MachineConfig config = MachineConfig.builder(Catalog.TINY.get().path()).initrd(image)
                .appendCmdline("quiet loglevel=1").memoryMiB(128).timeout(BOOT.multipliedBy(4)).build();

        // Warm-up: a first snapshot and as many clones at once as below, so that class loading, the
        // JIT's and GC's threads, glibc's malloc arenas (created per new thread, up to 8 per core,
        // then reused) and the engine's shared timer thread exist before the baseline.
        try (Snapshot warm = snapshotAtPrompt(config)) {
            runAtOnce(warm, AT_ONCE, "warm-up");
            runInSequence(warm, 1, "warm-up");
        }
        ProcessResources before = ProcessResources.settled(0);
        System.out.println("SnapshotLeakIT: before: " + before);

        long t0 = System.nanoTime();
        try (Snapshot snapshot = snapshotAtPrompt(config)) {
            runInSequence(snapshot, SEQUENCE, "in sequence");
            ProcessResources afterSequence = ProcessResources.settled(0);
            System.out.println("SnapshotLeakIT: after " + SEQUENCE + " clones in sequence (snapshot open): "
                    + afterSequence);
            runAtOnce(snapshot, AT_ONCE, "at once");
            ProcessResources afterAll = ProcessResources.settled(0);
            System.out.println("SnapshotLeakIT: after " + AT_ONCE + " at once (snapshot open): " + afterAll);
            assertThat(afterAll.kvmFds()).as("KVM descriptors with only the snapshot open: its memory file; %s",
                    ProcessResources.kvmDetails()).isEqualTo(before.kvmFds() + 1);
            assertThat(afterAll.kvmMaps()).as("KVM and guest-RAM mappings with only the snapshot open; %s",
                    ProcessResources.kvmDetails()).isEqualTo(before.kvmMaps());
        }
        ProcessResources after = ProcessResources.settled(0);
        System.out.printf("SnapshotLeakIT: after closing them and the snapshot (%.1f s): %s%n",
                (System.nanoTime() - t0) / 1e9, after);

        assertThat(after.kvmFds()).as("KVM descriptors and memory files; %s", ProcessResources.kvmDetails())
                .isEqualTo(before.kvmFds());
        assertThat(after.kvmMaps()).as("kvm_run and guest-RAM mappings; %s", ProcessResources.kvmDetails())
                .isEqualTo(before.kvmMaps());
        assertThat(after.engineThreads()).as("bootkernel-* threads").isEqualTo(before.engineThreads());
        assertThat(after.fds()).as("open descriptors (before: %s)", before).isLessThanOrEqualTo(before.fds());
        assertThat(after.ownTasks()).as("threads besides the JVM's JIT and GC workers (before: %s)", before)
                .isLessThanOrEqualTo(before.ownTasks());
        assertThat(after.maps()).as("memory mappings (before: %s)", before)
                .isLessThanOrEqualTo(before.maps() + JVM_MAPPING_SLACK);
    }

    /** Boots the shell, waits for its prompt, snapshots it and closes the source. */
    private static Snapshot snapshotAtPrompt(MachineConfig config) throws IOException, InterruptedException {
        try (Machine source = Machine.start(config)) {
            assertThat(source.console().awaitLine(Pattern.compile(Pattern.quote(BusyboxInitramfs.READY_LINE)), BOOT))
                    .as("ready line; console:\n%s", source.console().text()).isPresent();
            long deadline = System.nanoTime() + BOOT.toNanos();
            // The prompt "/ # ", which busybox's line editing follows with ESC [6n (a cursor query).
            while (!source.console().partialLine().contains("# ")) {
                assertThat(System.nanoTime() < deadline && source.exit().isEmpty())
                        .as("the shell's prompt; console:\n%s", source.console().text()).isTrue();
                Thread.sleep(5);
            }
            return source.snapshot();
        }
    }

    private static void runInSequence(Snapshot snapshot, int n, String what) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            try (Machine clone = snapshot.restore()) {
                answers(clone, 1000 + i, what + ", clone " + (i + 1));
            }
        }
    }

    private static void runAtOnce(Snapshot snapshot, int n, String what) throws InterruptedException {
        List<Machine> clones = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                clones.add(snapshot.restore());
            }
            for (int i = 0; i < n; i++) {
                answers(clones.get(i), 2000 + i, what + ", clone " + (i + 1));
            }
        } finally {
            for (Machine m : clones) {
                m.close();
            }
        }
    }

    /** The clone runs: its shell answers {@code echo c$((N+1))} with {@code cN+1}, which its echo of the line is not. */
    private static void answers(Machine clone, int n, String what) throws InterruptedException {
        long from = clone.console().lineCount();
        clone.sendInput("echo c$((" + n + "+1))\n");
        String expected = "c" + (n + 1);
        assertThat(clone.console().awaitLine(Pattern.compile("^" + expected + "$"), ANSWER, from))
                .as("%s answers %s; console:\n%s", what, expected, clone.console().text()).hasValue(expected);
    }
}
