package io.github.bootkernel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.MachineException;
import io.github.bootkernel.engine.Snapshot;
import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.agent.ExecListener;
import io.github.bootkernel.engine.agent.ExecResult;
import io.github.bootkernel.engine.agent.Execution;
import io.github.bootkernel.engine.kmsg.KernelRecord;
import io.github.bootkernel.kernels.Catalog;
import io.github.bootkernel.kernels.initramfs.BusyboxInitramfs;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Snapshots of a real guest with the agent, through the engine's API alone: the tiny kernel with
 * the busybox image (which starts the agent), snapshotted at its ready line once the agent is
 * connected (refused first while a command runs); two clones each run commands through the agent. Each clone's first request comes
 * after the RESEED that gave its kernel the host's entropy and wall clock, so the clones' random
 * bytes differ, and their clocks are the host's although the clones were made long after the
 * snapshot (a clone's kvmclock goes on from the snapshot's instant, so without RESEED its wall
 * clock would lag by that wait); their uptime does not go back; their kernel log goes on from the
 * snapshot's records.
 */
@ExtendWith(StockKernelHost.class)
class SnapshotAgentIT {

    private static final Duration BOOT = Duration.ofMinutes(3);
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Between the snapshot and the clones: more than the clock check's tolerance, so it can fail. */
    private static final Duration PAUSE = Duration.ofSeconds(20);
    /** How far a clone's wall clock may be from the host's: the exec's round trip on a slow nested VM. */
    private static final long CLOCK_TOLERANCE_S = 5;

    @Test
    void clonesRunCommandsWithTheirOwnRandomBytesTheHostsClockAndTheirKernelLogGoingOn() throws Exception {
        MachineConfig config = MachineConfig.builder(Catalog.TINY.get().path())
                .initrd(Catalog.BUSYBOX_INITRAMFS.get().path())
                .appendCmdline("quiet")
                .memoryMiB(256)
                .agent(true)
                .timeout(Duration.ofMinutes(10))
                .build();
        try (Machine source = Machine.start(config)) {
            source.console().awaitLine(Pattern.compile(Pattern.quote(BusyboxInitramfs.READY_LINE)), BOOT).orElseThrow();
            source.agent().awaitConnected(BOOT);
            // A snapshot belongs to nobody's call: refused while a command runs, and the guest runs on.
            Execution sleeping = source.agent().start(Exec.of("sleep", "600"), ExecListener.NONE);
            assertThatThrownBy(source::snapshot).isInstanceOf(MachineException.class)
                    .hasMessageContaining("(run 'sleep 600')");
            sleeping.signal(9);
            assertThat(sleeping.await(WAIT).orElseThrow().signal()).hasValue(9);
            double uptimeAtSnapshot = uptime(source);
            assertThat(source.kernelLog().awaitCaughtUp(WAIT)).as("the source's kernel log caught up").isTrue();
            List<KernelRecord> sourceRecords = source.kernelLog().records();
            long lastSequence = sourceRecords.get(sourceRecords.size() - 1).sequence();

            long t0 = System.nanoTime();
            try (Snapshot snapshot = source.snapshot()) {
                long snapshotNanos = System.nanoTime() - t0;
                long snapshotAt = System.currentTimeMillis();
                assertThat(source.awaitExit(WAIT).orElseThrow().kind()).isEqualTo(GuestExit.Kind.STOPPED);
                Thread.sleep(PAUSE.toMillis());
                long restoredAt = System.currentTimeMillis();
                long t1 = System.nanoTime();
                try (Machine a = snapshot.restore(); Machine b = snapshot.restore()) {
                    long restoreNanos = System.nanoTime() - t1;
                    long clockA = wallClock(a, restoredAt);
                    long firstExecNanos = System.nanoTime() - t1;
                    long clockB = wallClock(b, restoredAt);
                    System.out.printf("snapshot agent: snapshot() %.0f ms; two restore() %.0f ms; restore to clone A's"
                            + " first exec answered (after its RESEED) %.0f ms; restored %.1f s after the snapshot;"
                            + " clone clocks %d, %d%n", snapshotNanos / 1e6, restoreNanos / 1e6, firstExecNanos / 1e6,
                            (restoredAt - snapshotAt) / 1e3, clockA, clockB);

                    String randomA = random(a);
                    String randomB = random(b);
                    System.out.printf("snapshot agent: /dev/urandom in A %s, in B %s%n", randomA, randomB);
                    assertThat(randomA).isNotEqualTo(randomB);

                    assertThat(uptime(a)).as("clone A's uptime").isGreaterThanOrEqualTo(uptimeAtSnapshot);
                    assertThat(uptime(b)).as("clone B's uptime").isGreaterThanOrEqualTo(uptimeAtSnapshot);

                    assertThat(a.kernelLog().records()).as("clone A's log starts as the snapshot's")
                            .startsWith(sourceRecords.toArray(KernelRecord[]::new));
                    assertThat(a.agent().exec(Exec.shell("echo '<6>clone-a-9f2c' > /dev/kmsg")).exitCode()).hasValue(0);
                    KernelRecord marker = a.kernelLog().awaitRecord(Pattern.compile("clone-a-9f2c"), WAIT).orElseThrow();
                    assertThat(marker.sequence()).isGreaterThan(lastSequence);
                    assertThat(a.kernelLog().gaps()).as("no record missed across the restore")
                            .isEqualTo(source.kernelLog().gaps());
                    assertThat(b.kernelLog().awaitCaughtUp(WAIT)).isTrue();
                    assertThat(b.kernelLog().records()).as("clone B's log has none of A's")
                            .noneMatch(r -> r.message().contains("clone-a-9f2c"));
                }
            }
        }
    }

    /**
     * The guest's wall clock ({@code date +%s}), checked against the host's: from when the clone
     * was made (its RESEED carries the host's clock then) to when the answer came.
     */
    private static long wallClock(Machine clone, long restoredAtMillis) throws InterruptedException {
        ExecResult result = clone.agent().exec(Exec.shell("date +%s").timeout(WAIT));
        long after = System.currentTimeMillis() / 1000;
        assertThat(result.exitCode()).as("%s", result).hasValue(0);
        long seconds = Long.parseLong(result.stdout().strip());
        assertThat(seconds).as("the clone's wall clock (date +%%s)")
                .isBetween(restoredAtMillis / 1000 - CLOCK_TOLERANCE_S, after + CLOCK_TOLERANCE_S);
        return seconds;
    }

    /** 32 bytes of the guest's /dev/urandom, in hex. */
    private static String random(Machine machine) throws InterruptedException {
        ExecResult result = machine.agent().exec(Exec.shell("head -c 32 /dev/urandom | od -An -tx1").timeout(WAIT));
        assertThat(result.exitCode()).as("%s", result).hasValue(0);
        String hex = result.stdout().replaceAll("\\s+", "");
        assertThat(hex).hasSize(64);
        return hex;
    }

    /** The guest's uptime in seconds, from /proc/uptime. */
    private static double uptime(Machine machine) throws InterruptedException {
        ExecResult result = machine.agent().exec(Exec.of("cat", "/proc/uptime").timeout(WAIT));
        assertThat(result.exitCode()).as("%s", result).hasValue(0);
        return Double.parseDouble(result.stdout().strip().split("\\s+")[0]);
    }
}
