package io.github.bootkernel.engine.boot;

import io.github.bootkernel.engine.BootImageException;
import io.github.bootkernel.engine.memory.GuestMemory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans and performs the Linux 32-bit boot protocol load: kernel at {@code code32_start}, command
 * line, initrd as high as {@code initrd_addr_max} and RAM allow but clear of the kernel, e820 map,
 * zero page, MP and ACPI tables. {@link #plan} only computes and checks; {@link #load} writes.
 */
public final class KernelLoader {

    private KernelLoader() {
    }

    /**
     * Decides where everything goes.
     *
     * @param image the kernel
     * @param initrdFile the initrd's file (for messages), null when there is none
     * @param initrdSize bytes of initrd, 0 when there is none
     * @param cmdline the kernel command line
     * @param ram the guest RAM regions ({@link GuestMemory#layout(long)})
     * @return the plan
     * @throws BootImageException naming the input that does not fit, and why
     */
    public static LoadPlan plan(BzImage image, Path initrdFile, long initrdSize, String cmdline,
                                List<GuestMemory.Region> ram) {
        byte[] cmd = cmdline.getBytes(StandardCharsets.UTF_8);
        if (cmdline.indexOf('\0') >= 0) {
            throw new BootImageException("command line", null, "contains a NUL character");
        }
        if (cmd.length > image.cmdlineSize()) {
            throw new BootImageException("command line", null, "is " + cmd.length + " bytes; kernel "
                    + image.file() + " accepts at most cmdline_size = " + image.cmdlineSize());
        }
        if (cmd.length + 1 > Layout.CMDLINE_MAX) {
            throw new BootImageException("command line", null, "is " + cmd.length + " bytes; the monitor "
                    + "reserves " + (Layout.CMDLINE_MAX - 1));
        }
        long lowEnd = ram.get(0).end();
        long kernelAddress = image.code32Start();
        long kernelEnd = image.footprintEnd();
        if (kernelEnd > lowEnd) {
            throw new BootImageException("kernel", image.file(), String.format(
                    "needs guest memory up to 0x%x (load address and init_size) but RAM below 3 GiB ends at 0x%x; "
                            + "give the guest at least %d MiB", kernelEnd, lowEnd, (kernelEnd >> 20) + 16));
        }
        long initrdAddress = 0;
        if (initrdSize > 0) {
            long limit = Math.min(lowEnd, Math.addExact(image.initrdAddrMax(), 1));
            long top = limit - initrdSize;
            initrdAddress = top & ~(GuestMemory.PAGE - 1);
            if (top < 0 || initrdAddress < kernelEnd) {
                throw new BootImageException("initrd", initrdFile, String.format(
                        "%d bytes do not fit between the kernel's end 0x%x and the limit 0x%x "
                                + "(min of initrd_addr_max and RAM); give the guest more memory",
                        initrdSize, kernelEnd, limit));
            }
        }
        return new LoadPlan(kernelAddress, kernelEnd, Layout.CMDLINE, cmd, initrdAddress, initrdSize,
                e820(ram), Layout.ZERO_PAGE);
    }

    /**
     * The memory map: low RAM up to the EBDA, the EBDA and BIOS areas reserved, RAM from 1 MiB.
     *
     * @param ram the guest RAM regions
     * @return e820 entries in address order
     */
    public static List<E820Entry> e820(List<GuestMemory.Region> ram) {
        List<E820Entry> map = new ArrayList<>();
        map.add(new E820Entry(0, Layout.EBDA_START, E820Entry.RAM));
        map.add(new E820Entry(Layout.EBDA_START, 0xa0000 - Layout.EBDA_START, E820Entry.RESERVED));
        map.add(new E820Entry(Layout.BIOS_START, Layout.HIGH_MEMORY - Layout.BIOS_START, E820Entry.RESERVED));
        for (GuestMemory.Region r : ram) {
            long start = Math.max(r.guestAddress(), Layout.HIGH_MEMORY);
            if (r.end() > start) {
                map.add(new E820Entry(start, r.end() - start, E820Entry.RAM));
            }
        }
        return List.copyOf(map);
    }

    /**
     * Writes kernel, command line, initrd, GDT, the MP and ACPI tables and the zero page into
     * guest memory.
     *
     * @param memory guest RAM
     * @param image the kernel
     * @param initrd the initrd bytes, or null
     * @param plan where they go, from {@link #plan}
     * @param cpus how many vCPUs the MP table and the MADT list
     * @param devices the ISA devices the DSDT declares
     */
    public static void load(GuestMemory memory, BzImage image, byte[] initrd, LoadPlan plan, int cpus,
                            List<IsaDevice> devices) {
        memory.write(plan.kernelAddress(), image.kernel());
        byte[] cmd = new byte[plan.cmdline().length + 1];
        System.arraycopy(plan.cmdline(), 0, cmd, 0, plan.cmdline().length);
        memory.write(plan.cmdlineAddress(), cmd);
        if (initrd != null && initrd.length > 0) {
            memory.write(plan.initrdAddress(), initrd);
        }
        memory.write(Layout.GDT, BootCpu.gdt());
        memory.write(Layout.MP_TABLE, MpTable.build(cpus));
        memory.write(Layout.ACPI_TABLES, AcpiTables.build(cpus, devices));
        memory.write(plan.zeroPage(), BootParams.build(image, plan.cmdlineAddress(), plan.initrdAddress(),
                plan.initrdSize(), plan.e820(), Layout.ACPI_TABLES));
    }
}
