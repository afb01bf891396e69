package io.github.bootkernel.it;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.agent.ExecResult;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code tiny} kernel (SMP since tiny.config asks for it) with two vCPUs: it starts the second,
 * userspace sees two, and when a busy loop runs on each, closing the guest still stops and joins
 * both vCPU threads within the one second {@code Machine.close()} promises. A guest of its own,
 * since the test ends it.
 */
@ExtendWith(StockKernelHost.class)
class SpinningVcpusIT {

    @Test
    void tinyStartsBothVcpusAndAGuestSpinningOnBothClosesWithinASecond(@BootKernel(kernel = "tiny",
            initramfs = "busybox", cmdline = "quiet", awaitLine = "init: ready", cpus = 2) Guest guest)
            throws InterruptedException {
        assertThat(guest.exec("nproc")).succeeds().stdout().isEqualTo("2\n");
        assertThat(guest.sh("grep -c '^processor' /proc/cpuinfo")).succeeds().stdout().isEqualTo("2\n");

        // Two busy loops in the background (the agent's command ends, they go on), then each CPU's
        // user time over two seconds of the guest's clock from /proc/stat ("cpuN user nice system
        // ...", in 1/100 s): both CPUs spend it in the loops. In the nested VM, the two vCPUs share
        // one emulated CPU (and the agent's command needs some of it), so a share is enough.
        assertThat(guest.sh("for i in 1 2; do sh -c 'while :; do :; done' </dev/null >/dev/null 2>&1 & done"))
                .succeeds();
        ExecResult stat = guest.sh("grep '^cpu[01] ' /proc/stat; sleep 2; grep '^cpu[01] ' /proc/stat");
        assertThat(stat).succeeds();
        List<long[]> rows = Arrays.stream(stat.stdout().split("\n"))
                .map(line -> Arrays.stream(line.trim().split("\\s+")).skip(1).mapToLong(Long::parseLong).toArray())
                .toList();
        assertThat(rows).as("/proc/stat's cpu0 and cpu1 lines, twice:\n%s", stat.stdout()).hasSize(4);
        long cpu0 = rows.get(2)[0] - rows.get(0)[0];
        long cpu1 = rows.get(3)[0] - rows.get(1)[0];
        System.out.printf("SpinningVcpusIT: user time in 2 s: cpu0 %d/100 s, cpu1 %d/100 s%n", cpu0, cpu1);
        assertThat(cpu0).as("cpu0's user time in 2 s of two busy loops, 1/100 s:\n%s", stat.stdout())
                .isGreaterThanOrEqualTo(20);
        assertThat(cpu1).as("cpu1's user time in 2 s of two busy loops, 1/100 s:\n%s", stat.stdout())
                .isGreaterThanOrEqualTo(20);
        assertThat(vcpuThreads()).hasSize(2);

        long t0 = System.nanoTime();
        guest.close();
        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("SpinningVcpusIT: close() of a 2-vCPU guest spinning on both: %d ms%n", millis);

        assertThat(millis).as("close() of a 2-vCPU guest spinning on both, in ms").isLessThan(1000);
        assertThat(guest.exit()).map(GuestExit::kind).contains(GuestExit.Kind.STOPPED);
        assertThat(vcpuThreads()).as("vCPU threads left after close()").isEmpty();
    }

    /** The live vCPU threads of this JVM ({@code bootkernel-vcpu-N}); only this test's guest runs now. */
    private static List<String> vcpuThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("bootkernel-vcpu-")).toList();
    }
}
