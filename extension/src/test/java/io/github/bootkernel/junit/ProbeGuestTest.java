package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.kernels.probe.ProbeKernel;
import io.github.bootkernel.kernels.probe.ProbeOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine driven through each of the probe guest's behaviours, without JUnit's extension: the
 * probe is a hand-written test double (not Linux) that boots through the same bzImage path as a
 * kernel and runs on any KVM, the build machines' PVM included.
 */
class ProbeGuestTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static Machine boot(String cmdline, Path initrd, int memoryMiB) {
        return Machine.start(MachineConfig.builder(ProbeKernel.image()).appendCmdline(cmdline)
                .initrd(initrd).memoryMiB(memoryMiB).build());
    }

    @Test
    void seesTheCommandLineTheE820MapAndTheInitrdTheMonitorLoaded() throws Exception {
        byte[] initrd = new byte[300_001];
        new Random(7).nextBytes(initrd);
        Path file = Files.write(dir.resolve("initrd.bin"), initrd);
        try (Machine m = boot("probe.exit=0", file, 64)) {
            assertThat(m.awaitExit(WAIT)).hasValueSatisfying(e -> assertThat(e.status()).isZero());
            List<String> lines = m.console().lines();
            assertThat(lines).contains(ProbeOutput.cmdline(m.config().cmdline()));
            // boot.rst's e820 for a 64 MiB guest: low RAM up to the EBDA, the EBDA and the BIOS area
            // reserved, RAM from 1 MiB to the end (type 1 = RAM, 2 = reserved)
            assertThat(lines).contains(ProbeOutput.e820(0, 0x9fc00, 1), ProbeOutput.e820(0x9fc00, 0x400, 2),
                    ProbeOutput.e820(0xe0000, 0x20000, 2), ProbeOutput.e820(0x100000, (64L << 20) - 0x100000, 1));
            String initrdLine = lines.stream().filter(l -> l.startsWith("probe: initrd ")).findFirst().orElseThrow();
            long addr = Long.parseLong(initrdLine.replaceAll(".*addr=0x([0-9a-f]+).*", "$1"), 16);
            assertThat(initrdLine).isEqualTo(ProbeOutput.initrd(addr, initrd));
            assertThat(addr % 4096).isZero();
            assertThat(addr + initrd.length).isLessThanOrEqualTo(64L << 20);
        }
    }

    @Test
    void floodedLinesAllArriveInOrder() throws Exception {
        try (Machine m = boot(ProbeKernel.flood(2000), null, 32)) {
            GuestExit exit = m.awaitExit(WAIT).orElseThrow();
            assertThat(exit.kind()).isEqualTo(GuestExit.Kind.EXIT_STATUS);
            List<String> flood = m.console().lines().stream().filter(l -> l.startsWith("probe: flood ")).toList();
            assertThat(flood).hasSize(2000);
            assertThat(flood.get(0)).isEqualTo(ProbeOutput.flood(1));
            assertThat(flood.get(1999)).isEqualTo(ProbeOutput.flood(2000));
        }
    }

    @Test
    void anEndlessFloodStaysWithinTheConsoleBoundAndStopsOnClose() throws Exception {
        Machine m = boot(ProbeKernel.flood(0), null, 32);
        try {
            assertThat(m.console().awaitLine(Pattern.compile("probe: flood 5000$"), WAIT)).isPresent();
        } finally {
            m.close();
        }
        assertThat(m.exit().orElseThrow().kind()).isEqualTo(GuestExit.Kind.STOPPED);
        assertThat(m.console().historyBytes()).isPositive().isLessThanOrEqualTo(m.console().maxHistoryBytes());
    }

    @Test
    void echoesSerialInputAndEndsOnCtrlD() throws Exception {
        try (Machine m = boot(ProbeKernel.ECHO, null, 32)) {
            assertThat(m.console().awaitLine(Pattern.compile("^probe: ready$"), WAIT)).isPresent();
            long from = m.console().lineCount();
            m.sendInput("hello guest\n");
            assertThat(m.console().awaitLine(l -> l.equals("hello guest"), WAIT, from)).isPresent();
            m.sendInput(new byte[] {4});
            assertThat(m.awaitExit(WAIT)).hasValueSatisfying(e -> {
                assertThat(e.kind()).isEqualTo(GuestExit.Kind.EXIT_STATUS);
                assertThat(e.status()).isZero();
            });
        }
    }

    @Test
    void closeStopsASpinningAndAHaltedGuestWithinASecond() throws Exception {
        for (String word : List.of(ProbeKernel.SPIN, ProbeKernel.HLT)) {
            Machine m = boot(word, null, 32);
            assertThat(m.console().awaitLine(Pattern.compile("^probe: ready$"), WAIT)).as(word).isPresent();
            long t0 = System.nanoTime();
            m.close();
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(millis).as("close() of a guest running %s, in ms", word).isLessThan(1000);
            assertThat(m.exit().orElseThrow().kind()).isEqualTo(GuestExit.Kind.STOPPED);
        }
    }

    @Test
    void tripleFaultResetAndExitStatusAreDistinctEnds() throws Exception {
        try (Machine m = boot(ProbeKernel.TRIPLE, null, 32)) {
            assertThat(m.awaitExit(WAIT).orElseThrow().kind()).isEqualTo(GuestExit.Kind.TRIPLE_FAULT);
        }
        try (Machine m = boot(ProbeKernel.RESET, null, 32)) {
            assertThat(m.awaitExit(WAIT).orElseThrow().kind()).isEqualTo(GuestExit.Kind.RESET);
        }
        try (Machine m = boot(ProbeKernel.exit(42), null, 32)) {
            GuestExit exit = m.awaitExit(WAIT).orElseThrow();
            assertThat(exit.kind()).isEqualTo(GuestExit.Kind.EXIT_STATUS);
            assertThat(exit.status()).isEqualTo(42);
        }
    }

    @Test
    void theProbeReportsItsStatusOnThePortTheEngineListensOn() {
        // probe.S and exit-status.c spell the port in their own languages; this pins them to the engine's
        assertThat(ProbeKernel.EXIT_PORT).isEqualTo(GuestExit.STATUS_PORT);
    }
}
