package io.github.bootkernel.engine.boot;

import io.github.bootkernel.engine.BootImageException;
import io.github.bootkernel.engine.memory.GuestMemory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans and performs the Linux 32-bit boot protocol load ({@code Documentation/arch/x86/boot.rst}):
 * the protected-mode kernel where {@link BzImage#loadAddress()} says, clear room for it where it
 * will run ({@link BzImage#runtimeAddress()}, {@code init_size}), the command line, the initrd as
 * high as {@code initrd_addr_max} and RAM allow but above the kernel's whole footprint, the e820
 * map, zero page, MP and ACPI tables. {@link #plan} only computes and checks, from the inputs'
 * sizes; {@link #load} writes.
 */
public final class KernelLoader {

    private static final long MIB = 1L << 20;

    private KernelLoader() {
    }

    /**
     * Decides where everything goes, from the sizes alone: nothing is read. Every range of a
     * returned plan lies in RAM, below the 32-bit MMIO hole, and apart from every other range and
     * from what the loader keeps below 1 MiB (zero page, command line, GDT, MP and ACPI tables).
     *
     * @param image the kernel
     * @param initrdFile the initrd's file (for messages), null when there is none
     * @param initrdSize bytes of initrd, 0 when there is none
     * @param cmdline the kernel command line
     * @param ram the guest RAM regions ({@link Layout#ram(long)})
     * @return the plan
     * @throws BootImageException naming the input that does not fit, its size and the room there is
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
        checkKernelFits(image, lowEnd);
        long initrdAddress = initrdSize > 0 ? placeInitrd(image, initrdFile, initrdSize, lowEnd) : 0;
        return new LoadPlan(image.loadAddress(), image.kernelSize(), image.runtimeAddress(), image.runtimeSize(),
                Layout.CMDLINE, cmd, initrdAddress, initrdSize, e820(ram), Layout.ZERO_PAGE);
    }

    /**
     * The kernel's footprint, loaded and running, must lie in RAM from 1 MiB (below it the loader
     * keeps its own structures, and the legacy hole and BIOS area are no RAM) up to the end of RAM
     * below the MMIO hole (the 32-bit entry cannot reach above 4 GiB).
     */
    private static void checkKernelFits(BzImage image, long lowEnd) {
        long start = image.footprintStart();
        long end = image.footprintEnd();
        if (start < Layout.HIGH_MEMORY) {
            // Only a non-relocatable kernel can: a relocatable one runs where it is loaded, from 1 MiB.
            throw new BootImageException("kernel", image.file(), String.format("would run at 0x%x (pref_address; "
                    + "it is not relocatable), below 1 MiB, where the loader keeps the zero page, command line "
                    + "and firmware tables", start));
        }
        if (end > lowEnd) {
            String advice = end > Layout.MMIO_HOLE_START
                    ? String.format("no guest memory size helps: RAM below 4 GiB ends at 0x%x", Layout.MMIO_HOLE_START)
                    : "give the guest at least " + Math.min((end >> 20) + 16, Layout.MMIO_HOLE_START / MIB) + " MiB";
            throw new BootImageException("kernel", image.file(), String.format(
                    "needs guest memory up to 0x%x (%d bytes of protected-mode kernel loaded at 0x%x; init_size "
                            + "0x%x from 0x%x, where it runs) but RAM below 3 GiB ends at 0x%x; %s", end,
                    image.kernelSize(), image.loadAddress(), image.initSize(), image.runtimeAddress(), lowEnd, advice));
        }
    }

    /**
     * The initrd goes as high as possible, page-aligned, with its last byte at most
     * {@code initrd_addr_max} ("initrd_addr_max": "The maximum address that may be occupied by the
     * initial ramdisk/ramfs contents") and inside RAM below the MMIO hole, and wholly above the
     * kernel's footprint ("init_size": memory the kernel needs "before it is capable of examining
     * its memory map", so also before it knows where the initrd is).
     */
    private static long placeInitrd(BzImage image, Path initrdFile, long size, long lowEnd) {
        long floor = pageUp(image.footprintEnd());
        long addrLimit = image.initrdAddrMax() + 1;
        long limit = Math.min(lowEnd, addrLimit);
        if (size <= limit - floor) {
            return (limit - size) & -GuestMemory.PAGE;
        }
        long needed = Math.addExact(floor, size);
        String advice;
        if (needed > addrLimit) {
            advice = String.format("more memory does not help: initrd_addr_max 0x%x of kernel %s leaves at most "
                    + "%d bytes above the kernel", image.initrdAddrMax(), image.file(), Math.max(0, addrLimit - floor));
        } else if (needed > Layout.MMIO_HOLE_START) {
            advice = String.format("no guest memory size helps: RAM below 4 GiB ends at 0x%x, %d bytes above the "
                    + "kernel", Layout.MMIO_HOLE_START, Layout.MMIO_HOLE_START - floor);
        } else {
            advice = "give the guest more memory: at least " + (needed + MIB - 1) / MIB + " MiB";
        }
        throw new BootImageException("initrd", initrdFile, String.format(
                "%d bytes do not fit: the room from the kernel's end 0x%x to 0x%x (%s) is %d bytes; %s",
                size, image.footprintEnd(), limit, limit == addrLimit ? "initrd_addr_max + 1" : "the end of RAM",
                Math.max(0, limit - floor), advice));
    }

    private static long pageUp(long address) {
        return Math.addExact(address, GuestMemory.PAGE - 1) & -GuestMemory.PAGE;
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
     * guest memory. The kernel and initrd are copied from their open files in pieces, never whole
     * onto the heap.
     *
     * @param memory guest RAM
     * @param image the kernel, as parsed from {@code kernel}
     * @param kernel the kernel's open file
     * @param initrd the initrd's open file, or null when there is none
     * @param plan where they go, from {@link #plan} with these inputs
     * @param cpus how many vCPUs the MP table and the MADT list
     * @param devices the ISA devices the DSDT declares
     * @throws BootImageException if a file cannot be read or changed since it was checked
     */
    public static void load(GuestMemory memory, BzImage image, InputFile kernel, InputFile initrd, LoadPlan plan,
                            int cpus, List<IsaDevice> devices) {
        kernel.copyTo(memory, plan.kernelAddress(), image.kernelOffset(), plan.kernelSize());
        byte[] cmd = new byte[plan.cmdline().length + 1];
        System.arraycopy(plan.cmdline(), 0, cmd, 0, plan.cmdline().length);
        memory.write(plan.cmdlineAddress(), cmd);
        if (initrd != null && plan.initrdSize() > 0) {
            initrd.copyTo(memory, plan.initrdAddress(), 0, plan.initrdSize());
        }
        memory.write(Layout.GDT, BootCpu.gdt());
        memory.write(Layout.MP_TABLE, MpTable.build(cpus));
        memory.write(Layout.ACPI_TABLES, AcpiTables.build(cpus, devices));
        memory.write(plan.zeroPage(), BootParams.build(image, plan.kernelAddress(), plan.cmdlineAddress(),
                plan.initrdAddress(), plan.initrdSize(), plan.e820(), Layout.ACPI_TABLES));
    }
}
