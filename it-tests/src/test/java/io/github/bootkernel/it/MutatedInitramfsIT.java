package io.github.bootkernel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.kernels.Catalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots the tiny kernel with mutated busybox initramfs archives ({@link CpioMutator}): the engine
 * hands an initrd to the kernel as opaque bytes, so the meaningful fuzz of an archive is a boot.
 * Each boot must end in a typed end of the guest (a status, a panic, a reset...) or in its own
 * timeout, never a monitor error, a hang of the monitor or an exception; and the JVM's threads and
 * file descriptors end where they started.
 *
 * <p>The seed is the day's date (UTC), printed, so each day tries other mutations; rerun a day's
 * set with {@code -Dbootkernel.fuzz.seed=N}. A first boot of the unmutated archive measures how
 * long this machine takes, and each mutated boot gets three times that (5 to 20 s) as its timeout.
 * The mutated boots stop once {@link #BUDGET} is spent (at least {@link #AT_LEAST} run), so the
 * class costs about a minute in the nested VM however slow it is that day; the report says how
 * many of the day's {@link #ARCHIVES} archives ran.
 */
@ExtendWith(StockKernelHost.class)
class MutatedInitramfsIT {

    private static final int ARCHIVES = 10;
    private static final int AT_LEAST = 3;
    private static final Duration BUDGET = Duration.ofSeconds(45);

    @TempDir
    Path dir;

    @Test
    void mutatedArchivesEndInATypedEndOrTheirTimeout() throws Exception {
        long seed = Long.getLong("bootkernel.fuzz.seed", LocalDate.now(ZoneOffset.UTC).toEpochDay());
        System.out.printf("bootkernel initramfs fuzz: seed %d (rerun with -Dbootkernel.fuzz.seed=%d)%n", seed, seed);
        Path kernel = Catalog.TINY.get().path();
        Path original = Images.helloThenStatus3(dir);
        byte[] archive = Files.readAllBytes(original);
        long fds = openFds();
        int threads = Thread.activeCount();
        long t0 = System.nanoTime();

        GuestExit control = boot(kernel, original, Duration.ofSeconds(60)).exit();
        double controlSeconds = (System.nanoTime() - t0) / 1e9;
        assertThat(control.kind()).as("the unmutated archive: %s", control).isEqualTo(GuestExit.Kind.EXIT_STATUS);
        Duration timeout = Duration.ofMillis(Math.max(5_000, Math.min(20_000, (long) (3_000 * controlSeconds))));
        System.out.printf("bootkernel initramfs fuzz: the unmutated archive (%d bytes) ended %s after %.1f s; "
                + "mutated boots get %s each%n", archive.length, control, controlSeconds, timeout);

        Random random = new Random(seed);
        Map<GuestExit.Kind, Integer> ends = new TreeMap<>();
        long m0 = System.nanoTime();
        int ran = 0;
        for (int i = 0; i < ARCHIVES && (i < AT_LEAST || System.nanoTime() - m0 < BUDGET.toNanos()); i++) {
            CpioMutator.Mutant mutant = CpioMutator.mutate(archive, random);
            Path initrd = Files.write(dir.resolve("mutant-" + i + ".cpio"), mutant.bytes());
            long b0 = System.nanoTime();
            Boot boot = boot(kernel, initrd, timeout);
            GuestExit exit = boot.exit();
            String line = String.format("%2d: %s -> %s (%.1f s; last console line: %s)", i, mutant.description(),
                    exit, (System.nanoTime() - b0) / 1e9, boot.lastLine());
            System.out.println("bootkernel initramfs fuzz: " + line);
            assertThat(exit.kind()).as("a monitor error is never a guest's end: %s", line)
                    .isNotEqualTo(GuestExit.Kind.VMM_ERROR);
            ends.merge(exit.kind(), 1, Integer::sum);
            ran++;
        }
        System.out.printf("bootkernel initramfs fuzz: %d of the day's %d mutated archives (seed %d) in %.1f s "
                + "(%.1f s with the unmutated boot): %s%n", ran, ARCHIVES, seed, (System.nanoTime() - m0) / 1e9,
                (System.nanoTime() - t0) / 1e9, ends);
        assertThat(openFds()).as("open file descriptors after %d boots", ran + 1).isLessThanOrEqualTo(fds + 2);
        assertThat(Thread.activeCount()).as("live threads after %d boots", ran + 1).isLessThanOrEqualTo(threads + 2);
    }

    /** How a boot ended, and the console's last line then. */
    private record Boot(GuestExit exit, String lastLine) {
    }

    /** One boot that must end by itself or by its time limit, well within twice that. */
    private static Boot boot(Path kernel, Path initrd, Duration timeout) throws InterruptedException {
        // quiet: a third fewer VM exits (one per console character); panics and unpacking errors still print.
        MachineConfig config = MachineConfig.builder(kernel).initrd(initrd).appendCmdline("quiet").timeout(timeout)
                .build();
        try (Machine machine = Machine.start(config)) {
            GuestExit exit = machine.awaitExit(timeout.multipliedBy(2)).orElseThrow(() -> new AssertionError(
                    "the machine did not end within twice its own time limit " + timeout + "; console tail:\n"
                            + String.join("\n", machine.console().tail(20))));
            return new Boot(exit, machine.console().tail(1).stream().findFirst().orElse("(none)"));
        }
    }

    private static long openFds() throws java.io.IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
