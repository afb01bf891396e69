package io.github.bootkernel.engine.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.bootkernel.engine.BootImageException;
import io.github.bootkernel.engine.MachineConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The loader with headers of both kinds (non-relocatable like the tiny kernels, relocatable like
 * Debian's) and every guest memory size from {@link MachineConfig#MIN_MEMORY_MIB} to 512 MiB, with
 * initrds from none to 1 GiB: each plan either satisfies {@link PlanInvariants} or is a refusal
 * naming the input and the reason; a size that fits keeps fitting in every larger guest; and where
 * a refusal of the initrd advises a memory size, that is exactly the smallest that fits.
 */
class KernelLoaderMemorySizesTest {

    private static final long MIB = 1L << 20;
    private static final int MAX_MIB = 512;
    private static final Path KERNEL = Path.of("/images/bzImage");
    private static final Path INITRD = Path.of("/images/initramfs.cpio");
    /** The size of the kernels module's busybox initramfs. */
    private static final long BUSYBOX = 2_671_580;
    private static final long[] INITRDS = {0, 4096, BUSYBOX, 64 * MIB, 1L << 30};
    private static final Pattern ADVICE = Pattern.compile("at least (\\d+) MiB");

    private static final Map<String, BzImage> HEADERS = headers();

    private static Map<String, BzImage> headers() {
        Map<String, BzImage> h = new LinkedHashMap<>();
        for (RealSetupHeaders.Sample s : RealSetupHeaders.committed()) {
            h.put(s.name(), BzImage.parse(KERNEL, s.head(), s.fileSize()));
        }
        h.put("relocatable, pref_address not aligned", new SyntheticBzImage().relocatable(true)
                .prefAddress(0x1100000).kernelAlignment(0x200000).initSize(0x800000).parse(KERNEL));
        h.put("relocatable, no pref_address", new SyntheticBzImage().relocatable(true).prefAddress(0)
                .kernelAlignment(0x1000).initSize(0x400000).parse(KERNEL));
        h.put("relocatable, protocol 2.06", new SyntheticBzImage().relocatable(true).protocol(0x0206)
                .kernelBytes(0x8000).parse(KERNEL));
        h.put("not relocatable, runs where loaded (the probe)", new SyntheticBzImage().relocatable(false)
                .prefAddress(0x100000).initSize(0x10000).parse(KERNEL));
        h.put("not relocatable, runs below its load address", new SyntheticBzImage().relocatable(false)
                .code32Start(0x800000).prefAddress(0x200000).initSize(0x900000).parse(KERNEL));
        h.put("not relocatable, runs below 1 MiB", new SyntheticBzImage().relocatable(false)
                .prefAddress(0x80000).parse(KERNEL));
        return h;
    }

    @Test
    void everyMemorySizeGivesAValidPlanOrANamedRefusal() {
        int plans = 0;
        int refusals = 0;
        Map<String, Integer> smallest = new LinkedHashMap<>();
        for (Map.Entry<String, BzImage> header : HEADERS.entrySet()) {
            for (long initrd : INITRDS) {
                String what = header.getKey() + ", initrd " + initrd;
                Integer firstFit = null;
                Integer advised = null;
                for (int mib = MachineConfig.MIN_MEMORY_MIB; mib <= MAX_MIB; mib++) {
                    var ram = Layout.ram(mib * MIB);
                    try {
                        LoadPlan plan = KernelLoader.plan(header.getValue(), initrd > 0 ? INITRD : null, initrd,
                                MachineConfig.DEFAULT_CMDLINE, ram);
                        PlanInvariants.check(header.getValue(), plan, ram);
                        plans++;
                        if (firstFit == null) {
                            firstFit = mib;
                            if (advised != null) {
                                assertThat(advised).as(what + ": advised size").isEqualTo(mib);
                            }
                        }
                    } catch (BootImageException e) {
                        refusals++;
                        PlanInvariants.checkRefusal(e, KERNEL, INITRD);
                        if (firstFit != null) {
                            fail(what + ": fits in " + firstFit + " MiB but not in " + mib + " MiB: " + e.getMessage());
                        }
                        Matcher m = ADVICE.matcher(e.getMessage());
                        advised = e.getMessage().startsWith("initrd ") && m.find() ? Integer.valueOf(m.group(1)) : null;
                    }
                }
                smallest.put(what, firstFit);
            }
        }
        System.out.printf("bootkernel loader: %d headers x %d initrds x %d memory sizes (%d..%d MiB): "
                        + "%d valid plans, %d named refusals%n", HEADERS.size(), INITRDS.length,
                MAX_MIB - MachineConfig.MIN_MEMORY_MIB + 1, MachineConfig.MIN_MEMORY_MIB, MAX_MIB, plans, refusals);
        smallest.forEach((what, mib) -> {
            if (what.startsWith("tiny") || what.startsWith("debian")) {
                System.out.printf("bootkernel loader:   smallest guest for %s: %s%n", what,
                        mib == null ? "none up to " + MAX_MIB + " MiB" : mib + " MiB");
            }
        });

        // The tiny kernel runs at pref_address 16 MiB and needs init_size 0xbaa000 from there: RAM up
        // to 0x1baa000 (27.7 MiB), and the busybox initramfs above that. The old loader counted
        // init_size from code32_start (1 MiB) and took 16 MiB for enough.
        assertThat(smallest).containsEntry("tiny-6.1.192-3, initrd 0", 28)
                .containsEntry("tiny-6.1.192-3, initrd " + BUSYBOX, 31)
                .containsEntry("debian-cloud-6.1.192-3, initrd 0", 68)
                .containsEntry("debian-cloud-6.1.192-3, initrd " + BUSYBOX, 71)
                .containsEntry("not relocatable, runs where loaded (the probe), initrd 0", 16)
                .containsEntry("not relocatable, runs below 1 MiB, initrd 0", null)
                .containsEntry("tiny-6.1.192-3, initrd " + (1L << 30), null);
    }

    @Test
    void theTinyKernelIsRefusedWhereItsDecompressionAreaWouldOverlapTheInitrd() {
        BzImage tiny = HEADERS.get("tiny-6.1.192-3");
        List<String> messages = new ArrayList<>();
        for (int mib : new int[] {16, 27}) {
            try {
                KernelLoader.plan(tiny, null, 0, "", Layout.ram(mib * MIB));
                fail("the tiny kernel needs RAM up to 0x1baa000, more than " + mib + " MiB");
            } catch (BootImageException e) {
                messages.add(e.getMessage());
            }
        }
        assertThat(messages).allSatisfy(m -> assertThat(m)
                .startsWith("kernel " + KERNEL + ": needs guest memory up to 0x1baa000")
                .contains("loaded at 0x100000", "init_size 0xbaa000 from 0x1000000, where it runs"));
        try {
            KernelLoader.plan(tiny, INITRD, BUSYBOX, "", Layout.ram(30 * MIB));
            fail("at 30 MiB the initramfs would overlap the tiny kernel's init_size area");
        } catch (BootImageException e) {
            assertThat(e.getMessage()).startsWith("initrd " + INITRD + ": " + BUSYBOX + " bytes do not fit")
                    .contains("kernel's end 0x1baa000", "give the guest more memory: at least 31 MiB");
        }
    }
}
