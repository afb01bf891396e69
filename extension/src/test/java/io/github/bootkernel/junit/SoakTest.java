package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, "Long runs and load": 300 probe guests booted one after another in one JVM, each
 * through the whole extension (a test-method parameter, booted, ended with status 0, closed by
 * JUnit), leave the process's file descriptors, threads and memory where they started. The
 * figures are printed; the bounds are far below what one leaked guest per boot would add.
 */
class SoakTest {

    static final int BOOTS = 300;
    static final int BATCHES = 3;

    @Test
    void threeHundredSequentialBootsLeaveDescriptorsThreadsAndMemoryWhereTheyStarted() {
        // Warm up: classes loaded, JIT, JNA, heap sized, the probe image in place.
        TestKit.run(WarmUp.class).testEvents().assertStatistics(s -> s.succeeded(WarmUp.BOOTS));
        ProcessFigures before = ProcessFigures.now();

        long start = System.nanoTime();
        List<ProcessFigures> batches = new ArrayList<>();
        for (int batch = 0; batch < BATCHES; batch++) {
            TestKit.run(Boots.class).testEvents()
                    .assertStatistics(s -> s.started(Boots.BOOTS).succeeded(Boots.BOOTS));
            batches.add(ProcessFigures.now());
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        ProcessFigures after = batches.get(BATCHES - 1);

        System.out.printf("%d sequential probe boots (32 MiB, probe.exit=0) in %d ms, %.1f ms per boot:%n%s",
                BOOTS, took.toMillis(), took.toNanos() / 1e6 / BOOTS, before.against(after));
        System.out.println("  resident set after each " + Boots.BOOTS + " boots, KiB: " + before.rssKiB() + " -> "
                + batches.stream().map(f -> String.valueOf(f.rssKiB())).collect(Collectors.joining(" -> "))
                + "; outside the heap: " + before.nativeRssKiB() + " -> "
                + batches.stream().map(f -> String.valueOf(f.nativeRssKiB())).collect(Collectors.joining(" -> ")));
        assertThat(after.fds()).as("open file descriptors").isLessThanOrEqualTo(before.fds() + 2);
        assertThat(after.vcpuThreads()).as("vCPU threads alive").isZero();
        assertThat(after.threads()).as("Java threads").isLessThanOrEqualTo(before.threads() + 2);
        // One leaked guest per boot would add 300 mappings and 300 x 32 MiB of address space.
        assertThat(after.mappings()).as("memory mappings").isLessThan(before.mappings() + 50);
        assertThat(after.vmSizeKiB()).as("virtual size, KiB").isLessThan(before.vmSizeKiB() + 1024 * 1024);
        assertThat(after.heapKiB()).as("heap in use after GC, KiB").isLessThan(before.heapKiB() + 32 * 1024);
        // Outside the heap the resident set grows a little while the JIT compiles, then levels
        // off; a native leak keeps growing.
        assertThat(after.nativeRssKiB()).as("resident set outside the heap, KiB")
                .isLessThan(before.nativeRssKiB() + 32 * 1024);
        assertThat(after.nativeRssKiB() - batches.get(BATCHES - 2).nativeRssKiB())
                .as("resident set outside the heap, growth in the last " + Boots.BOOTS + " boots, KiB")
                .isLessThan(8 * 1024);
        assertThat(after.rssKiB()).as("resident set, KiB")
                .isLessThan(before.rssKiB() + after.heapCommittedKiB() + 32 * 1024);
    }

    @TestKitOnly
    static class WarmUp {
        static final int BOOTS = 20;

        @RepeatedTest(BOOTS)
        void boots(@BootKernel(kernel = "probe", cmdline = "probe.exit=0", memory = 32) Guest guest)
                throws InterruptedException {
            Boots.endsWithStatusZero(guest);
        }
    }

    @TestKitOnly
    static class Boots {
        static final int BOOTS = SoakTest.BOOTS / BATCHES;

        @RepeatedTest(BOOTS)
        void boots(@BootKernel(kernel = "probe", cmdline = "probe.exit=0", memory = 32) Guest guest)
                throws InterruptedException {
            endsWithStatusZero(guest);
        }

        static void endsWithStatusZero(Guest guest) throws InterruptedException {
            assertThat(guest.awaitExit(Duration.ofSeconds(10)).status()).isZero();
        }
    }
}
