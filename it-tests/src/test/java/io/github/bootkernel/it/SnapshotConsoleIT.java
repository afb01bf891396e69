package io.github.bootkernel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.Snapshot;
import io.github.bootkernel.kernels.Catalog;
import io.github.bootkernel.kernels.initramfs.BusyboxInitramfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: a clone of a guest that was in the middle of its console output continues it exactly.
 * The guest ({@code tiny}, busybox) prints numbered lines in a loop, each in three writes
 * ({@code "line N"}, {@code " mid"}, {@code " end\n"}), so the UART is most often in the middle of a
 * line; it is snapshotted while it prints. Every clone's console, from its first line on, must read
 * {@code line K+1 mid end}, {@code line K+2 mid end}, ... where {@code K} is the source's last
 * complete line: none lost, none twice, none torn (the first one is the source's partial line
 * completed by the clone). Two clones run at once and a third after them, each from the same point.
 */
@ExtendWith(StockKernelHost.class)
class SnapshotConsoleIT {

    private static final Duration BOOT = Duration.ofMinutes(3);
    private static final Duration LINES = Duration.ofSeconds(120);
    /** Lines the source prints before the snapshot, so the loop runs at its pace. */
    private static final int BEFORE = 40;
    /** Lines each clone must print in order. */
    private static final int AFTER = 150;
    /** Sources booted at most until one is snapshotted in the middle of a line. */
    private static final int ATTEMPTS = 3;
    private static final Pattern LINE = Pattern.compile("^line (\\d+) mid end$");
    private static final String LOOP = """
            i=0
            while [ $i -lt 1000000 ]; do
              i=$((i + 1))
              printf 'line %d' $i
              printf ' mid'
              echo ' end'
            done
            """;

    @TempDir
    Path dir;

    @Test
    void eachCloneContinuesTheConsoleFromTheSnapshotWithNoLineLostDoubledOrTorn() throws Exception {
        Path image = BusyboxInitramfs.create().initBody(LOOP).build()
                .writeTo(Files.createTempFile(dir, "lines", ".cpio"));
        MachineConfig config = MachineConfig.builder(Catalog.TINY.get().path()).initrd(image)
                .appendCmdline("quiet loglevel=1").memoryMiB(64).timeout(BOOT.multipliedBy(2)).build();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            long last;
            String partial;
            try (Machine source = Machine.start(config)) {
                assertThat(source.console().awaitLine(Pattern.compile("^line " + BEFORE + " mid end$"), BOOT))
                        .as("the source's loop; console:\n%s", source.console().text()).isPresent();
                // The loop spends most of its time between writes (busybox runs printf and echo), so
                // a snapshot right after a line lands between two lines (seen: three times of three).
                // Wait until the next line has begun, then snapshot at once.
                long deadline = System.nanoTime() + LINES.toNanos();
                while (source.console().partialLine().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(1); // not a spin: with one CPU it would hold up the guest it waits for
                }
                try (Snapshot snapshot = source.snapshot()) {
                    List<String> lines = source.console().lines();
                    partial = source.console().partialLine();
                    last = checkSource(lines);
                    System.out.printf("SnapshotConsoleIT: attempt %d: snapshotted after 'line %d mid end', partial"
                            + " line '%s'%n", attempt, last, partial);
                    if (partial.isEmpty() && attempt < ATTEMPTS) {
                        continue; // between two lines: boot again for a snapshot in the middle of one
                    }
                    assertThat(partial).as("the snapshot fell in the middle of a line in %d attempts", ATTEMPTS)
                            .isNotEmpty();
                    try (Machine a = snapshot.restore(); Machine b = snapshot.restore()) {
                        continuesFrom(a, last, partial, "clone A");
                        continuesFrom(b, last, partial, "clone B (at once with A)");
                    }
                    try (Machine c = snapshot.restore()) {
                        continuesFrom(c, last, partial, "clone C (after A and B)");
                    }
                    return;
                }
            }
        }
    }

    /** @return the number of the source's last complete line, after checking that its lines are consecutive */
    private static long checkSource(List<String> lines) {
        List<String> numbered = lines.stream().filter(l -> l.startsWith("line ")).toList();
        assertThat(numbered).as("the source's numbered lines").isNotEmpty();
        long n = 0;
        for (String l : numbered) {
            n++;
            assertThat(l).as("the source's line %d", n).isEqualTo("line " + n + " mid end");
        }
        return n;
    }

    private static void continuesFrom(Machine clone, long last, String partial, String what) throws Exception {
        long end = last + AFTER;
        assertThat(clone.console().awaitLine(Pattern.compile("^line " + end + " mid end$"), LINES))
                .as("%s prints up to line %d; console:\n%s", what, end, clone.console().text()).isPresent();
        List<String> lines = clone.console().lines();
        List<String> problems = new ArrayList<>();
        long expected = last + 1;
        for (String l : lines) {
            if (expected > end) {
                break;
            }
            Matcher m = LINE.matcher(l);
            if (!m.matches() || Long.parseLong(m.group(1)) != expected) {
                problems.add("expected 'line " + expected + " mid end', got '" + l + "'");
                if (m.matches()) {
                    expected = Long.parseLong(m.group(1)) + 1; // report each gap or repeat once
                }
                continue;
            }
            expected++;
        }
        System.out.printf("SnapshotConsoleIT: %s: first line '%s' (the source's partial '%s'), %d lines checked%n",
                what, lines.isEmpty() ? "" : lines.get(0), partial, end - last);
        assertThat(problems).as("%s, from the snapshot after line %d (partial line '%s'); console:\n%s", what, last,
                partial, String.join("\n", lines)).isEmpty();
        assertThat(lines.get(0)).as("%s's first line completes the source's partial line", what).startsWith(partial);
    }
}
