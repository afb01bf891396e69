package io.github.bootkernel.engine.boot;

import io.github.bootkernel.engine.BootImageException;
import io.github.bootkernel.engine.memory.GuestMemory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What every load plan must satisfy, checked here from the plan's numbers and boot.rst's rules,
 * independently of how {@link KernelLoader} computed it: the kernel where boot.rst says it is
 * loaded and runs, every range inside RAM (or, for the firmware tables, inside the reserved areas),
 * and no two ranges overlapping. And what every refusal must be: a {@link BootImageException} that
 * names the input and gives a reason.
 */
final class PlanInvariants {

    /** A range of guest physical memory the plan writes or keeps for the kernel. */
    record Range(String name, long start, long end) {
        boolean overlaps(Range o) {
            return start < o.end && o.start < end;
        }

        @Override
        public String toString() {
            return String.format("%s [0x%x, 0x%x)", name, start, end);
        }
    }

    private PlanInvariants() {
    }

    /**
     * Checks a plan.
     *
     * @throws AssertionError naming the broken rule and the plan's ranges
     */
    static void check(BzImage image, LoadPlan plan, List<GuestMemory.Region> ram) {
        List<String> broken = new ArrayList<>();
        // boot.rst, relocatable_kernel / code32_start / pref_address / init_size.
        if (image.relocatable()) {
            long a = image.kernelAlignment();
            if (plan.kernelAddress() % a != 0) {
                broken.add("a relocatable kernel's load address is not aligned to kernel_alignment 0x"
                        + Long.toHexString(a));
            }
            if (plan.runtimeAddress() != ((plan.kernelAddress() + a - 1) & -a)) {
                broken.add("runtime_start is not align_up(load_address, kernel_alignment)");
            }
        } else {
            if (plan.kernelAddress() != image.code32Start()) {
                broken.add("a non-relocatable kernel is not loaded at code32_start");
            }
            if (plan.runtimeAddress() != image.prefAddress()) {
                broken.add("a non-relocatable kernel's runtime_start is not pref_address");
            }
        }
        if (plan.runtimeSize() < image.initSize() || plan.kernelSize() != image.kernelSize()) {
            broken.add("the runtime size is below init_size or the loaded size is not the kernel's");
        }
        List<Range> inRam = new ArrayList<>();
        inRam.add(new Range("kernel footprint", plan.kernelStart(), plan.kernelEnd()));
        inRam.add(new Range("command line", plan.cmdlineAddress(), plan.cmdlineAddress() + plan.cmdline().length + 1));
        inRam.add(new Range("zero page", plan.zeroPage(), plan.zeroPage() + BootParams.SIZE));
        inRam.add(new Range("GDT", Layout.GDT, Layout.GDT + BootCpu.gdt().length));
        if (plan.initrdSize() > 0) {
            Range initrd = new Range("initrd", plan.initrdAddress(), plan.initrdAddress() + plan.initrdSize());
            inRam.add(initrd);
            if (initrd.start % GuestMemory.PAGE != 0) {
                broken.add("the initrd is not page-aligned");
            }
            if (initrd.end - 1 > image.initrdAddrMax()) {
                broken.add("the initrd's last byte lies above initrd_addr_max");
            }
            if (initrd.start < plan.kernelEnd()) {
                broken.add("the initrd lies below the kernel's footprint end");
            }
        }
        List<Range> firmware = List.of(
                new Range("MP table", Layout.MP_TABLE, Layout.MP_TABLE + MpTable.build(io.github.bootkernel.engine.MachineConfig.MAX_CPUS).length),
                new Range("ACPI tables", Layout.ACPI_TABLES, Layout.ACPI_TABLES + Layout.ACPI_TABLES_MAX));
        for (Range r : inRam) {
            if (!inside(r, plan.e820(), E820Entry.RAM) || !inGuestMemory(r, ram)) {
                broken.add(r + " is not inside one e820 RAM entry of guest memory");
            }
        }
        for (Range r : firmware) {
            if (!inside(r, plan.e820(), E820Entry.RESERVED) || !inGuestMemory(r, ram)) {
                broken.add(r + " is not inside a reserved e820 entry of guest memory");
            }
        }
        List<Range> all = new ArrayList<>(inRam);
        all.addAll(firmware);
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                if (all.get(i).overlaps(all.get(j))) {
                    broken.add(all.get(i) + " overlaps " + all.get(j));
                }
            }
        }
        if (plan.kernelAddress() + plan.kernelSize() > Layout.MMIO_HOLE_START) {
            broken.add("the 32-bit entry cannot reach the kernel");
        }
        if (!broken.isEmpty()) {
            throw new AssertionError("plan for " + image + " breaks " + broken + "; ranges " + all);
        }
    }

    /**
     * Checks a refusal: it names one of the inputs (the kernel, the initrd or the command line) in
     * its message and {@code input()}, followed by a reason.
     *
     * @throws AssertionError if it does not
     */
    static void checkRefusal(BootImageException e, Path kernel, Path initrd) {
        String m = e.getMessage();
        boolean named = m.startsWith("kernel " + kernel + ": ") && e.input().equals(kernel.toString())
                || initrd != null && m.startsWith("initrd " + initrd + ": ") && e.input().equals(initrd.toString())
                || m.startsWith("command line: ") && e.input().equals("command line");
        if (!named || m.length() < m.indexOf(": ") + 6) {
            throw new AssertionError("a refusal that names no input or gives no reason: " + m, e);
        }
    }

    private static boolean inside(Range r, List<E820Entry> map, int type) {
        return map.stream().anyMatch(e -> e.type() == type && e.address() <= r.start
                && r.end <= e.address() + e.size());
    }

    private static boolean inGuestMemory(Range r, List<GuestMemory.Region> ram) {
        return ram.stream().anyMatch(g -> g.guestAddress() <= r.start && r.end <= g.end());
    }
}
