package io.github.bootkernel.bench.suite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import org.junit.jupiter.api.RepeatedTest;

/**
 * The suite-cost workload: {@value #TESTS} tests, each taking a fresh guest of the configured kernel
 * ({@code bootkernel.kernel}) with the busybox image, handed over at its ready line. It is the
 * benchmark's workload, not one of its tests: {@link SuiteMain} runs it.
 */
public class TwentyGuests {

    /** How many tests, each with its own guest. */
    public static final int TESTS = 20;

    @RepeatedTest(TESTS)
    void bootsToItsReadyLine(@BootKernel(initramfs = "busybox", cmdline = "quiet", awaitLine = "init: ready")
                             Guest guest) {
        assertTrue(guest.console().lines().stream().anyMatch(l -> l.contains("init: ready")),
                "the guest was handed over before its ready line");
    }
}
