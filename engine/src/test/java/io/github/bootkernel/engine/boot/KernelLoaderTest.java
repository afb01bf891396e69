package io.github.bootkernel.engine.boot;

import io.github.bootkernel.engine.BootImageException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelLoaderTest {

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final Path KERNEL = Path.of("/images/bzImage");
    private static final Path INITRD = Path.of("/images/initrd.cpio");

    private static List<GuestMemory.Region> ram(long bytes) {
        return Layout.ram(bytes);
    }

    @Nested
    class E820 {
        @Test
        void map256MiB() {
            assertThat(KernelLoader.e820(ram(256 * MIB))).containsExactly(
                    new E820Entry(0, 0x9fc00, E820Entry.RAM),
                    new E820Entry(0x9fc00, 0x400, E820Entry.RESERVED),
                    new E820Entry(0xe0000, 0x20000, E820Entry.RESERVED),
                    new E820Entry(0x100000, 255 * MIB, E820Entry.RAM));
        }

        @Test
        void map4GiBSplitsRamAroundTheHoleBelow4GiB() {
            List<GuestMemory.Region> regions = ram(4 * GIB);
            assertThat(regions).containsExactly(new GuestMemory.Region(0, 3 * GIB, 0),
                    new GuestMemory.Region(4 * GIB, GIB, 3 * GIB));
            assertThat(KernelLoader.e820(regions)).containsExactly(
                    new E820Entry(0, 0x9fc00, E820Entry.RAM),
                    new E820Entry(0x9fc00, 0x400, E820Entry.RESERVED),
                    new E820Entry(0xe0000, 0x20000, E820Entry.RESERVED),
                    new E820Entry(0x100000, 3 * GIB - MIB, E820Entry.RAM),
                    new E820Entry(4 * GIB, GIB, E820Entry.RAM));
        }

        @Test
        void exactly3GiBHasNoHighRegion() {
            assertThat(KernelLoader.e820(ram(3 * GIB))).hasSize(4)
                    .last().isEqualTo(new E820Entry(MIB, 3 * GIB - MIB, E820Entry.RAM));
        }

        @Test
        void entriesAreSortedAndDisjoint() {
            List<E820Entry> map = KernelLoader.e820(ram(64 * GIB));
            for (int i = 1; i < map.size(); i++) {
                E820Entry prev = map.get(i - 1);
                assertThat(map.get(i).address()).isGreaterThanOrEqualTo(prev.address() + prev.size());
            }
            assertThat(map).last().isEqualTo(new E820Entry(4 * GIB, 61 * GIB, E820Entry.RAM));
        }
    }

    @Nested
    class Plan {
        private final BzImage image = new SyntheticBzImage().parse(KERNEL); // footprint ends at 0x1020000

        @Test
        void withoutInitrd() {
            LoadPlan plan = KernelLoader.plan(image, null, 0, "console=ttyS0 quiet", ram(256 * MIB));
            // Relocatable: loaded at pref_address 0x1000000, where it runs (boot.rst, pref_address).
            assertThat(plan.kernelAddress()).isEqualTo(0x1000000);
            assertThat(plan.runtimeAddress()).isEqualTo(0x1000000);
            assertThat(plan.kernelSize()).isEqualTo(0x1000);
            assertThat(plan.kernelEnd()).isEqualTo(0x1020000).isEqualTo(image.footprintEnd());
            assertThat(plan.cmdlineAddress()).isEqualTo(Layout.CMDLINE);
            assertThat(new String(plan.cmdline(), StandardCharsets.UTF_8)).isEqualTo("console=ttyS0 quiet");
            assertThat(plan.initrdAddress()).isZero();
            assertThat(plan.initrdSize()).isZero();
            assertThat(plan.e820()).isEqualTo(KernelLoader.e820(ram(256 * MIB)));
            assertThat(plan.zeroPage()).isEqualTo(Layout.ZERO_PAGE);
        }

        @Test
        void initrdGoesAtTheTopOfRamPageAligned() {
            long size = 1_000_001;
            LoadPlan plan = KernelLoader.plan(image, INITRD, size, "", ram(256 * MIB));
            assertInitrdPlacement(plan, size, 256 * MIB);
            assertThat(plan.initrdSize()).isEqualTo(size);
        }

        @Test
        void initrdRespectsInitrdAddrMaxBelowRamEnd() {
            long size = 3 * MIB + 5;
            LoadPlan plan = KernelLoader.plan(image, INITRD, size, "", ram(4 * GIB));
            assertInitrdPlacement(plan, size, 0x80000000L); // initrd_addr_max 0x7fffffff + 1
        }

        @Test
        void initrdRespectsTheDefaultInitrdAddrMax() {
            BzImage old = new SyntheticBzImage().initrdAddrMax(0).parse(KERNEL);
            long size = 12345;
            LoadPlan plan = KernelLoader.plan(old, INITRD, size, "", ram(2 * GIB));
            assertInitrdPlacement(plan, size, 0x38000000L);
        }

        @Test
        void initrdStaysBelowTheHoleEvenWhenAddrMaxAllowsMore() {
            BzImage anywhere = new SyntheticBzImage().initrdAddrMax(0xffffffffL).parse(KERNEL);
            long size = 2 * MIB;
            LoadPlan plan = KernelLoader.plan(anywhere, INITRD, size, "", ram(8 * GIB));
            assertInitrdPlacement(plan, size, 3 * GIB);
        }

        @Test
        void initrdThatExactlyFillsTheGapSitsAtTheKernelEnd() {
            long size = 32 * MIB - 0x1020000;
            LoadPlan plan = KernelLoader.plan(image, INITRD, size, "", ram(32 * MIB));
            assertThat(plan.initrdAddress()).isEqualTo(0x1020000);
            assertInitrdPlacement(plan, size, 32 * MIB);
        }

        @Test
        void footprintExactlyAtRamEndIsAccepted() {
            BzImage fits = new SyntheticBzImage().relocatable(false).prefAddress(0x100000).initSize(15 * MIB)
                    .parse(KERNEL);
            assertThat(KernelLoader.plan(fits, null, 0, "", ram(16 * MIB)).kernelEnd()).isEqualTo(16 * MIB);
        }

        @Test
        void cmdlineOfExactlyCmdlineSizeIsAccepted() {
            String longest = "a".repeat(2047);
            assertThat(KernelLoader.plan(image, null, 0, longest, ram(256 * MIB)).cmdline()).hasSize(2047);
        }

        private void assertInitrdPlacement(LoadPlan plan, long size, long limit) {
            long start = plan.initrdAddress();
            assertThat(start % GuestMemory.PAGE).as("initrd page-aligned").isZero();
            assertThat(start + size).as("initrd end").isLessThanOrEqualTo(limit);
            assertThat(limit - (start + size)).as("gap above the initrd").isLessThan(GuestMemory.PAGE);
            assertThat(start).as("initrd start").isGreaterThanOrEqualTo(plan.kernelEnd());
        }
    }

    @Nested
    class Errors {
        private final BzImage image = new SyntheticBzImage().parse(KERNEL);

        @Test
        void cmdlineLongerThanCmdlineSize() {
            assertThatThrownBy(() -> KernelLoader.plan(image, null, 0, "a".repeat(2048), ram(256 * MIB)))
                    .isInstanceOf(BootImageException.class)
                    .hasMessage("command line: is 2048 bytes; kernel " + KERNEL + " accepts at most cmdline_size = 2047")
                    .extracting(e -> ((BootImageException) e).input()).isEqualTo("command line");
        }

        @Test
        void cmdlineLengthIsCountedInUtf8Bytes() {
            BzImage small = new SyntheticBzImage().cmdlineSize(10).parse(KERNEL);
            assertThatThrownBy(() -> KernelLoader.plan(small, null, 0, "\u00e9".repeat(6), ram(256 * MIB)))
                    .isInstanceOf(BootImageException.class)
                    .hasMessageContaining("is 12 bytes");
        }

        @Test
        void cmdlineWithNul() {
            assertThatThrownBy(() -> KernelLoader.plan(image, null, 0, "console=ttyS0\0init=/bin/sh", ram(256 * MIB)))
                    .isInstanceOf(BootImageException.class)
                    .hasMessage("command line: contains a NUL character");
        }

        @Test
        void cmdlineLongerThanTheMonitorReserves() {
            BzImage generous = new SyntheticBzImage().cmdlineSize(0x20000).parse(KERNEL);
            assertThat(KernelLoader.plan(generous, null, 0, "b".repeat(0xffff), ram(256 * MIB)).cmdline())
                    .hasSize(0xffff);
            assertThatThrownBy(() -> KernelLoader.plan(generous, null, 0, "b".repeat(0x10000), ram(256 * MIB)))
                    .isInstanceOf(BootImageException.class)
                    .hasMessageStartingWith("command line: ")
                    .hasMessageContaining("65536 bytes")
                    .hasMessageContaining("reserves 65535");
        }

        @Test
        void initrdOneByteTooLarge() {
            long size = 32 * MIB - 0x1020000 + 1;
            assertThatThrownBy(() -> KernelLoader.plan(image, INITRD, size, "", ram(32 * MIB)))
                    .isInstanceOf(BootImageException.class)
                    .hasMessageStartingWith("initrd " + INITRD + ": " + size + " bytes do not fit")
                    .hasMessageContaining("0x1020000")
                    .hasMessageContaining("0x2000000")
                    .extracting(e -> ((BootImageException) e).input()).isEqualTo(INITRD.toString());
        }

        @Test
        void initrdLargerThanAllOfRam() {
            assertThatThrownBy(() -> KernelLoader.plan(image, INITRD, GIB, "", ram(256 * MIB)))
                    .isInstanceOf(BootImageException.class)
                    .hasMessageStartingWith("initrd " + INITRD + ": ")
                    .hasMessageContaining("give the guest more memory");
        }

        @Test
        void initrdLargerThanRamBelowTheHoleSaysNoMemorySizeHelps() {
            BzImage anywhere = new SyntheticBzImage().initrdAddrMax(0xffffffffL).parse(KERNEL);
            assertThatThrownBy(() -> KernelLoader.plan(anywhere, INITRD, 3 * GIB, "", ram(64 * GIB)))
                    .isInstanceOf(BootImageException.class)
                    .hasMessageStartingWith("initrd " + INITRD + ": " + 3 * GIB + " bytes do not fit: the room from "
                            + "the kernel's end 0x1020000 to 0xc0000000 (the end of RAM) is " + (3 * GIB - 0x1020000))
                    .hasMessageEndingWith("no guest memory size helps: RAM below 4 GiB ends at 0xc0000000, "
                            + (3 * GIB - 0x1020000) + " bytes above the kernel");
        }

        @Test
        void kernelRunningBelowOneMiBIsRefused() {
            BzImage low = new SyntheticBzImage().relocatable(false).prefAddress(0x80000).parse(KERNEL);
            assertThatThrownBy(() -> KernelLoader.plan(low, null, 0, "", ram(256 * MIB)))
                    .isInstanceOf(BootImageException.class)
                    .hasMessage("kernel " + KERNEL + ": would run at 0x80000 (pref_address; it is not relocatable), "
                            + "below 1 MiB, where the loader keeps the zero page, command line and firmware tables");
        }

        @Test
        void kernelFootprintBeyondTheHoleSaysNoMemorySizeHelps() {
            BzImage high = new SyntheticBzImage().prefAddress(0xbff00000L).initSize(0x200000).parse(KERNEL);
            assertThatThrownBy(() -> KernelLoader.plan(high, null, 0, "", ram(64 * GIB)))
                    .isInstanceOf(BootImageException.class)
                    .hasMessageStartingWith("kernel " + KERNEL + ": needs guest memory up to 0xc0200000")
                    .hasMessageEndingWith("no guest memory size helps: RAM below 4 GiB ends at 0xc0000000");
        }

        @Test
        void kernelFootprintExceedsRam() {
            assertThatThrownBy(() -> KernelLoader.plan(image, null, 0, "", ram(16 * MIB)))
                    .isInstanceOf(BootImageException.class)
                    .hasMessageStartingWith("kernel " + KERNEL + ": needs guest memory up to 0x1020000")
                    .hasMessageContaining("ends at 0x1000000")
                    .hasMessageContaining("at least 32 MiB")
                    .extracting(e -> ((BootImageException) e).input()).isEqualTo(KERNEL.toString());
        }

        @Test
        void cmdlineIsCheckedBeforeMemory() {
            assertThatThrownBy(() -> KernelLoader.plan(image, INITRD, GIB, "x\0", ram(16 * MIB)))
                    .hasMessageStartingWith("command line: ");
        }
    }

    /** Writes into anonymous host memory standing in for guest RAM; no {@code /dev/kvm} involved. */
    @Nested
    class Load {
        @TempDir
        Path dir;

        @Test
        void writesEverythingWhereThePlanSays() throws IOException {
            SyntheticBzImage synthetic = new SyntheticBzImage().kernelBytes(0x1800);
            byte[] file = synthetic.bytes();
            byte[] initrd = new byte[10_000];
            Arrays.fill(initrd, (byte) 0x17);
            Path initrdPath = Files.write(dir.resolve("initrd"), initrd);
            try (InputFile kernelFile = InputFile.open("kernel", Files.write(dir.resolve("bzImage"), file));
                 InputFile initrdFile = InputFile.open("initrd", initrdPath);
                 GuestMemory memory = GuestMemory.allocate(Layout.ram(64 * MIB))) {
                BzImage image = BzImage.read(kernelFile);
                LoadPlan plan = KernelLoader.plan(image, initrdPath, initrdFile.size(), "console=ttyS0",
                        memory.regions());
                KernelLoader.load(memory, image, kernelFile, initrdFile, plan, 1, AcpiTablesTest.COM1);

                byte[] kernel = Arrays.copyOfRange(file, synthetic.kernelOffset(), file.length);
                assertThat(memory.read(plan.kernelAddress(), kernel.length)).isEqualTo(kernel);
                assertThat(memory.read(Layout.CMDLINE, 14))
                        .isEqualTo("console=ttyS0\0".getBytes(StandardCharsets.US_ASCII));
                assertThat(memory.read(plan.initrdAddress(), initrd.length)).isEqualTo(initrd);
                assertThat(memory.read(Layout.GDT, 32)).isEqualTo(BootCpu.gdt());
                byte[] zeroPage = memory.read(Layout.ZERO_PAGE, BootParams.SIZE);
                assertThat(zeroPage).isEqualTo(BootParams.build(image, plan.kernelAddress(), Layout.CMDLINE,
                        plan.initrdAddress(), initrd.length, plan.e820(), Layout.ACPI_TABLES));
                assertThat(memory.read(Layout.MP_TABLE, MpTable.build(1).length)).isEqualTo(MpTable.build(1));
                assertThat(memory.read(Layout.ACPI_TABLES, AcpiTables.build(1, AcpiTablesTest.COM1).length))
                        .isEqualTo(AcpiTables.build(1, AcpiTablesTest.COM1));
                ByteBuffer zp = ByteBuffer.wrap(zeroPage).order(ByteOrder.LITTLE_ENDIAN);
                assertThat(Integer.toUnsignedLong(zp.getInt(BootParams.RAMDISK_IMAGE))).isEqualTo(plan.initrdAddress());
                assertThat(Integer.toUnsignedLong(zp.getInt(BootParams.CODE32_START))).isEqualTo(plan.kernelAddress());
            }
        }

        @Test
        void withoutInitrdNothingIsWrittenHigh() throws IOException {
            try (InputFile kernelFile = InputFile.open("kernel", new SyntheticBzImage().write(dir, "bzImage"));
                 GuestMemory memory = GuestMemory.allocate(Layout.ram(32 * MIB))) {
                BzImage image = BzImage.read(kernelFile);
                LoadPlan plan = KernelLoader.plan(image, null, 0, "", memory.regions());
                KernelLoader.load(memory, image, kernelFile, null, plan, 1, AcpiTablesTest.COM1);
                assertThat(memory.read(Layout.CMDLINE, 1)).containsExactly(0);
                assertThat(memory.read(32 * MIB - 4096, 4096)).containsOnly(0);
            }
        }

        @Test
        void aKernelFileThatShrankSinceItWasCheckedIsATypedError() throws IOException {
            Path path = new SyntheticBzImage().kernelBytes(0x3000).write(dir, "bzImage");
            try (InputFile kernelFile = InputFile.open("kernel", path);
                 GuestMemory memory = GuestMemory.allocate(Layout.ram(32 * MIB))) {
                BzImage image = BzImage.read(kernelFile);
                LoadPlan plan = KernelLoader.plan(image, null, 0, "", memory.regions());
                try (FileChannel truncate = FileChannel.open(path, StandardOpenOption.WRITE)) {
                    truncate.truncate(image.kernelOffset() + 0x1000);
                }
                assertThatThrownBy(() -> KernelLoader.load(memory, image, kernelFile, null, plan, 1,
                        AcpiTablesTest.COM1))
                        .isInstanceOf(BootImageException.class)
                        .hasMessageStartingWith("kernel " + path + ": changed while it was being loaded")
                        .hasMessageContaining("had " + (image.kernelOffset() + 0x3000) + " bytes");
            }
        }
    }
}
