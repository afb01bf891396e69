package io.github.bootkernel.it;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.agent.ExecResult;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A guest with 6 GiB of RAM on Debian's cloud kernel: 3 GiB below the MMIO hole and 3 GiB from
 * 4 GiB, as the e820 map says; the kernel manages about 6 GiB, and the host holds only the pages the
 * guest touched (the guest's RAM is one mapping that is not touched up front). In the build
 * machines' nested VM, which has 4 GiB itself, a guest of 6 GiB that touched it all could not run.
 */
@ExtendWith(StockKernelHost.class)
class LargeMemoryIT {

    private static final long MIB = 1L << 20;
    private static final long RAM = 6L << 30;

    /**
     * What the host may hold beyond the RAM the guest has not free: pages the guest touched and gave
     * back stay resident while {@code MemFree} counts them free (the compressed kernel and what its
     * decompressor used, the initramfs archive after unpacking, freed init sections), and a host with
     * transparent huge pages (the nested VM's is set to {@code always}) backs a touched 4 KiB page
     * with up to 2 MiB. Measured in the nested VM on debian-cloud 6.1: 44 MiB beyond the guest's
     * 254 MiB not free (298 MiB resident).
     */
    private static final long SLACK = 128 * MIB;

    @Test
    void sixGibGuestSeesItsRamAboveFourGibAndTheHostHoldsOnlyWhatItTouched(@BootKernel(kernel = "debian-cloud",
            initramfs = "busybox", cmdline = "quiet", awaitLine = "init: ready", memory = 6 * 1024,
            bootTimeout = 180) Guest guest)
            throws InterruptedException, IOException {
        ExecResult iomem = guest.sh("grep 'System RAM' /proc/iomem");
        assertThat(iomem).succeeds().stdout().contains("100000000-1bfffffff : System RAM\n");

        Map<String, Long> meminfo = meminfo(guest);
        long total = meminfo.get("MemTotal") * 1024;
        long free = meminfo.get("MemFree") * 1024;
        long initrd = Files.size(guest.config().initrd().orElseThrow());
        // What the guest may have touched: all of its RAM that is not free, including what the kernel
        // keeps out of MemTotal (its own image, the page array, the swiotlb buffer).
        long held = RAM - free;
        long resident = guest.machine().residentMemoryBytes();
        System.out.printf("LargeMemoryIT: 6 GiB guest: MemTotal %d MiB, MemFree %d MiB, MemTotal-MemFree %d MiB,"
                + " RAM-MemFree %d MiB, initramfs %.1f MiB, host resident %d MiB%n%s",
                total / MIB, free / MIB, (total - free) / MIB, held / MIB, initrd / (double) MIB, resident / MIB,
                iomem.stdout());

        assertThat(total).as("MemTotal, bytes").isBetween(RAM * 93 / 100, RAM);
        assertThat(resident).as("host-resident bytes of the guest's RAM (guest: %d MiB not free, a %d KiB initramfs)",
                held / MIB, initrd / 1024).isPositive().isLessThanOrEqualTo(held + initrd + SLACK);
        assertThat(resident).as("host-resident bytes of a 6 GiB guest's RAM").isLessThan(RAM / 8);
    }

    private static Map<String, Long> meminfo(Guest guest) throws InterruptedException {
        ExecResult result = guest.exec("cat", "/proc/meminfo");
        assertThat(result).succeeds();
        // "MemTotal:        6012345 kB"
        return result.stdout().lines().map(line -> line.split(":\\s+|\\s+kB$| kB$"))
                .filter(parts -> parts.length >= 2 && parts[1].strip().matches("\\d+"))
                .collect(Collectors.toMap(parts -> parts[0], parts -> Long.parseLong(parts[1].strip()), (a, b) -> a));
    }
}
