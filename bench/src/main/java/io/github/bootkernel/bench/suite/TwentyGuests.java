package io.github.bootkernel.bench.suite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bootkernel.bench.boot.BenchImage;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import org.junit.jupiter.api.RepeatedTest;

/**
 * The suite-cost workload: {@value #TESTS} tests, each taking a fresh guest of the configured kernel
 * ({@code bootkernel.kernel}) with the benchmark's image ({@code bootkernel.initramfs.bench}, see
 * {@link io.github.bootkernel.bench.boot.BenchImage}), handed over at its init line. It is the
 * benchmark's workload, not one of its tests: {@link SuiteMain} runs it.
 */
public class TwentyGuests {

    /** How many tests, each with its own guest. */
    public static final int TESTS = 20;

    /** The initramfs id that {@link SuiteMain} defines. */
    static final String IMAGE = "bench";

    @RepeatedTest(TESTS)
    void bootsToInit(@BootKernel(initramfs = IMAGE, cmdline = "quiet", awaitLine = BenchImage.INIT_LINE) Guest guest) {
        assertTrue(guest.console().lines().stream().anyMatch(BenchImage::isInitLine),
                "the guest was handed over before its init line");
    }
}
