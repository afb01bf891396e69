package io.github.bootkernel.engine.boot;

import io.github.bootkernel.engine.BootImageException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BzImageTest {

    private static final Path NAME = Path.of("/images/test-bzImage");

    @Nested
    class Accepts {
        @Test
        void validImageWithAllFields() {
            SyntheticBzImage synthetic = new SyntheticBzImage().kernelBytes(0x1230);
            byte[] file = synthetic.bytes();
            BzImage image = BzImage.parse(NAME, file);

            assertThat(image.file()).isEqualTo(NAME);
            assertThat(image.protocol()).isEqualTo(0x020f);
            assertThat(image.setupSects()).isEqualTo(1);
            assertThat(image.loadflags()).isEqualTo(0x01);
            assertThat(image.xloadflags()).isEqualTo(0x7f);
            assertThat(image.code32Start()).isEqualTo(0x100000);
            assertThat(image.initrdAddrMax()).isEqualTo(0x7fffffff);
            assertThat(image.cmdlineSize()).isEqualTo(2047);
            assertThat(image.relocatable()).isTrue();
            assertThat(image.kernelAlignment()).isEqualTo(0x200000);
            assertThat(image.prefAddress()).isEqualTo(0x1000000);
            assertThat(image.initSize()).isEqualTo(0x20000);
            assertThat(image.kernelOffset()).isEqualTo(1024);
            assertThat(image.kernelSize()).isEqualTo(file.length - 1024).isEqualTo(0x1230);
        }

        @Test
        void headerIsTheBytesFrom0x1f1ToTheEndByte0x201Announces() {
            byte[] file = new SyntheticBzImage().headerLength(0x6a).bytes();
            BzImage image = BzImage.parse(NAME, file);
            assertThat(image.header()).hasSize(0x202 + 0x6a - 0x1f1)
                    .isEqualTo(Arrays.copyOfRange(file, 0x1f1, 0x26c));

            byte[] longer = new SyntheticBzImage().headerLength(0x7b).bytes();
            assertThat(BzImage.parse(NAME, longer).header()).isEqualTo(Arrays.copyOfRange(longer, 0x1f1, 0x27d));
        }

        @Test
        void setupSectsZeroMeansFour() {
            SyntheticBzImage synthetic = new SyntheticBzImage().setupSects(0);
            byte[] file = synthetic.bytes();
            BzImage image = BzImage.parse(NAME, file);
            assertThat(image.setupSects()).isEqualTo(4);
            assertThat(image.kernelOffset()).isEqualTo(5 * 512);
            assertThat(image.kernelSize()).isEqualTo(file.length - 5 * 512);
        }

        @Test
        void largerSetupMovesTheKernel() {
            byte[] file = new SyntheticBzImage().setupSects(0x27).bytes();
            BzImage image = BzImage.parse(NAME, file);
            assertThat(image.setupSects()).isEqualTo(0x27);
            assertThat(image.kernelOffset()).isEqualTo(0x28 * 512);
            assertThat(image.kernelSize()).isEqualTo(file.length - 0x28 * 512);
        }

        @Test
        void zeroSyssizeSkipsTheLengthCheck() {
            assertThat(new SyntheticBzImage().syssize(0).parse(NAME).kernelSize()).isEqualTo(0x1000);
        }

        @Test
        void syssizeExactlyTheKernelIsFine() {
            assertThat(new SyntheticBzImage().kernelBytes(0x100).syssize(0x10).parse(NAME).kernelSize())
                    .isEqualTo(0x100);
        }

        @Test
        void defaultsForZeroFields() {
            BzImage image = new SyntheticBzImage().code32Start(0).initrdAddrMax(0).initSize(0).kernelBytes(0x800)
                    .parse(NAME);
            assertThat(image.code32Start()).as("code32_start 0 means 0x100000").isEqualTo(0x100000);
            assertThat(image.initrdAddrMax()).as("initrd_addr_max 0 means 0x37ffffff").isEqualTo(0x37ffffff);
            assertThat(image.initSize()).as("init_size 0 means the kernel's size").isEqualTo(0x800);
        }

        @Test
        void oldProtocolFieldsAreNotRead() {
            // 2.06: no pref_address/init_size (2.10), no xloadflags (2.12).
            BzImage image = new SyntheticBzImage().protocol(0x0206).kernelBytes(0x900).parse(NAME);
            assertThat(image.protocol()).isEqualTo(0x0206);
            assertThat(image.xloadflags()).isZero();
            assertThat(image.prefAddress()).isEqualTo(0x100000);
            assertThat(image.initSize()).isEqualTo(0x900);
        }

        @Test
        void footprintRelocatableStartsAtPrefAddress() {
            BzImage image = new SyntheticBzImage().relocatable(true).prefAddress(0x1000000).initSize(0x3378000)
                    .parse(NAME);
            assertThat(image.footprintEnd()).isEqualTo(0x1000000 + 0x3378000L);
        }

        @Test
        void footprintNotRelocatableRunsAtPrefAddress() {
            // boot.rst, pref_address: "A non-relocatable kernel will unconditionally move itself and
            // to run at this address"; init_size counts from there. Loaded at code32_start.
            BzImage image = new SyntheticBzImage().relocatable(false).prefAddress(0x1000000).initSize(0x40000)
                    .parse(NAME);
            assertThat(image.loadAddress()).isEqualTo(0x100000);
            assertThat(image.runtimeAddress()).isEqualTo(0x1000000);
            assertThat(image.footprintStart()).isEqualTo(0x100000);
            assertThat(image.footprintEnd()).isEqualTo(0x1000000 + 0x40000L);
        }

        @Test
        void relocatableIsLoadedAtPrefAddressAndRunsThere() {
            // boot.rst, pref_address: "A relocating bootloader should attempt to load at this address
            // if possible"; init_size: runtime_start = align_up(load_address, kernel_alignment).
            BzImage image = new SyntheticBzImage().relocatable(true).prefAddress(0x1000000).kernelAlignment(0x200000)
                    .parse(NAME);
            assertThat(image.loadAddress()).isEqualTo(0x1000000);
            assertThat(image.runtimeAddress()).isEqualTo(0x1000000);
            assertThat(image.footprintStart()).isEqualTo(0x1000000);
        }

        @Test
        void relocatableLoadAddressIsAlignedUpToKernelAlignment() {
            BzImage unaligned = new SyntheticBzImage().relocatable(true).prefAddress(0x1100000)
                    .kernelAlignment(0x200000).parse(NAME);
            assertThat(unaligned.loadAddress()).isEqualTo(0x1200000);
            assertThat(unaligned.runtimeAddress()).isEqualTo(0x1200000);
            assertThat(unaligned.footprintEnd()).isEqualTo(0x1200000 + 0x20000L);
        }

        @Test
        void relocatableWithPrefAddressBelowOneMiBIsLoadedFromOneMiB() {
            BzImage low = new SyntheticBzImage().relocatable(true).prefAddress(0).kernelAlignment(0x1000).parse(NAME);
            assertThat(low.loadAddress()).isEqualTo(0x100000);
            BzImage aligned = new SyntheticBzImage().relocatable(true).prefAddress(0x80000).kernelAlignment(0x400000)
                    .parse(NAME);
            assertThat(aligned.loadAddress()).isEqualTo(0x400000);
        }

        @Test
        void tinyKernelHeaderRunsAtSixteenMiB() {
            // The values of the tiny kernel's header (6.1, non-relocatable): loaded at 1 MiB, it moves
            // itself to 16 MiB and needs init_size from there, so it needs RAM up to 0x1baa000.
            BzImage tiny = new SyntheticBzImage().relocatable(false).code32Start(0x100000).prefAddress(0x1000000)
                    .initSize(0xbaa000).kernelBytes(0xc0400).parse(NAME);
            assertThat(tiny.loadAddress()).isEqualTo(0x100000);
            assertThat(tiny.runtimeAddress()).isEqualTo(0x1000000);
            assertThat(tiny.footprintEnd()).isEqualTo(0x1baa000);
        }

        @Test
        void footprintCoversTheKernelWhenInitSizeIsSmaller() {
            BzImage image = new SyntheticBzImage().relocatable(false).prefAddress(0x100000).initSize(0x10)
                    .kernelBytes(0x3000).parse(NAME);
            assertThat(image.footprintEnd()).isEqualTo(0x100000 + 0x3000L);
        }

        @Test
        void readFromFileMatchesParse(@TempDir Path dir) throws IOException {
            byte[] file = new SyntheticBzImage().bytes();
            Path path = Files.write(dir.resolve("bzImage"), file);
            BzImage image = BzImage.read(path);
            assertThat(image).isEqualTo(BzImage.parse(path, file));
            assertThat(image.file()).isEqualTo(path);
            assertThat(image.toString()).contains(path.toString()).contains("protocol 2.15").contains("0x100000");
        }
    }

    @Nested
    class Rejects {
        @Test
        void tooShort() {
            expectRejected(new byte[0x24f], "not a bzImage", "only 591 bytes", "too short");
            expectRejected(new byte[0], "only 0 bytes");
        }

        @Test
        void missingHdrSMagic() {
            expectRejected(new SyntheticBzImage().magic(0x53726449).bytes(), "not a bzImage", "HdrS", "0x202");
        }

        @Test
        void badBootFlag() {
            expectRejected(new SyntheticBzImage().bootFlag(0x55aa).bytes(), "boot_flag", "0xAA55");
        }

        @Test
        void protocolOlderThan206() {
            expectRejected(new SyntheticBzImage().protocol(0x0205).bytes(), "boot protocol 2.05 is too old",
                    "2.06 or newer");
        }

        @Test
        void loadedHighClear() {
            expectRejected(new SyntheticBzImage().loadflags(0x80).bytes(), "zImage", "LOADED_HIGH");
        }

        @Test
        void headerEndBeyondTheFile() {
            // 0x202 + 0xff = 0x301, but the file is only 0x280 bytes long.
            expectRejected(new SyntheticBzImage().headerLength(0xff).length(0x280).bytes(), "setup header end 0x301",
                    "outside the image");
        }

        @Test
        void headerWithNoLength() {
            expectRejected(new SyntheticBzImage().headerLength(0).bytes(), "setup header end 0x202");
        }

        @Test
        void setupSectsLeaveNoKernel() {
            // setup_sects 1: boot sector + 1 sector = 1024 bytes, and the file is exactly that.
            expectRejected(new SyntheticBzImage().setupSects(1).length(1024).syssize(0).bytes(),
                    "setup_sects 1 leaves no protected-mode kernel in 1024 bytes");
            expectRejected(new SyntheticBzImage().setupSects(0xff).length(0x2000).syssize(0).bytes(),
                    "setup_sects 255 leaves no protected-mode kernel in 8192 bytes");
        }

        @Test
        void truncatedPerSyssize() {
            expectRejected(new SyntheticBzImage().kernelBytes(0x100).syssize(0x11).bytes(), "truncated",
                    "syssize says 272 bytes", "the file has 256");
        }

        @Test
        void code32StartBelowOneMiB() {
            expectRejected(new SyntheticBzImage().code32Start(0x90000).bytes(), "code32_start 0x90000", "below 1 MiB");
        }

        @Test
        void cmdlineSizeZero() {
            expectRejected(new SyntheticBzImage().cmdlineSize(0).bytes(), "implausible cmdline_size 0");
        }

        @Test
        void cmdlineSizeHuge() {
            expectRejected(new SyntheticBzImage().cmdlineSize(0xffffffffL).bytes(), "implausible cmdline_size 4294967295");
        }

        @Test
        void prefAddressImplausible() {
            expectRejected(new SyntheticBzImage().prefAddress(-4096).bytes(), "implausible pref_address");
            expectRejected(new SyntheticBzImage().prefAddress((1L << 40) + 1).bytes(), "implausible pref_address");
        }

        @Test
        void relocatableWithAnAlignmentThatIsNoPowerOfTwo() {
            expectRejected(new SyntheticBzImage().relocatable(true).kernelAlignment(0).bytes(),
                    "relocatable, but kernel_alignment 0x0 is not a power of two");
            expectRejected(new SyntheticBzImage().relocatable(true).kernelAlignment(0x300000).bytes(),
                    "kernel_alignment 0x300000 is not a power of two");
        }

        @Test
        void headerLongerThan144Bytes() {
            // boot.rst, "The kernel_info": "setup_header is permanently limited to 144 bytes".
            expectRejected(new SyntheticBzImage().headerLength(0x80).bytes(), "setup header end 0x282 lies past 0x281");
        }

        @Test
        void headerTooShortForTheFieldsOfItsProtocol() {
            expectRejected(new SyntheticBzImage().headerLength(0x5e).bytes(),
                    "setup header end 0x260 lies before 0x264", "boot protocol 2.15");
            expectRejected(new SyntheticBzImage().protocol(0x0206).headerLength(0x30).bytes(),
                    "setup header end 0x232 lies before 0x23c");
        }

        @Test
        void missingFile(@TempDir Path dir) {
            Path missing = dir.resolve("no-such-bzImage");
            assertThatThrownBy(() -> BzImage.read(missing))
                    .isInstanceOf(BootImageException.class)
                    .hasMessage("kernel " + missing + ": no such file")
                    .extracting(e -> ((BootImageException) e).input()).isEqualTo(missing.toString());
        }

        @Test
        void directory(@TempDir Path dir) {
            assertThatThrownBy(() -> BzImage.read(dir))
                    .isInstanceOf(BootImageException.class)
                    .hasMessage("kernel " + dir + ": not a regular file");
        }

        @Test
        void badFileOnDiskNamesThePath(@TempDir Path dir) throws IOException {
            Path path = Files.write(dir.resolve("vmlinux"), new byte[4096]);
            assertThatThrownBy(() -> BzImage.read(path))
                    .isInstanceOf(BootImageException.class)
                    .hasMessageStartingWith("kernel " + path + ": not a bzImage");
        }

        private void expectRejected(byte[] file, String... reasons) {
            AbstractThrowableAssert<?, ? extends Throwable> thrown = assertThatThrownBy(() -> BzImage.parse(NAME, file))
                    .isInstanceOf(BootImageException.class)
                    .hasMessageStartingWith("kernel " + NAME + ": ");
            for (String reason : reasons) {
                thrown.hasMessageContaining(reason);
            }
            thrown.extracting(e -> ((BootImageException) e).input()).isEqualTo(NAME.toString());
        }
    }

    /**
     * A real-world check on top of the synthetic ones: any Debian kernel on this machine (the host's
     * {@code /boot/vmlinuz-*}, or one the kernels module cached) parses with the values a stock
     * x86_64 build has. Skipped, visibly, where there is none.
     */
    @Test
    void realDebianKernelsParse() throws IOException {
        List<Path> kernels = realKernels();
        assumeThat(kernels).as("no /boot/vmlinuz-* or cached Debian kernel on this machine").isNotEmpty();
        for (Path path : kernels) {
            BzImage image = BzImage.read(path);
            assertThat(image.protocol()).as(path + " protocol").isGreaterThanOrEqualTo(0x020c);
            assertThat(image.loadflags() & BzImage.LOADED_HIGH).isEqualTo(BzImage.LOADED_HIGH);
            assertThat(image.relocatable()).as(path + " relocatable").isTrue();
            assertThat(image.xloadflags() & 1).as(path + " XLF_KERNEL_64").isEqualTo(1);
            assertThat(image.code32Start()).isEqualTo(0x100000);
            assertThat(image.kernelAlignment()).isEqualTo(0x200000);
            assertThat(image.prefAddress()).isEqualTo(0x1000000);
            assertThat(image.cmdlineSize()).isEqualTo(2047);
            assertThat(image.initrdAddrMax()).isEqualTo(0x7fffffff);
            assertThat(image.initSize()).isGreaterThan(image.kernelSize());
            byte[] file = Files.readAllBytes(path);
            assertThat(image.header()).isEqualTo(Arrays.copyOfRange(file, 0x1f1, 0x202 + (file[0x201] & 0xff)));
            assertThat(image.kernelSize()).isEqualTo(file.length - (image.setupSects() + 1) * 512);
            LoadPlan plan = KernelLoader.plan(image, null, 0, "console=ttyS0",
                    Layout.ram(256L << 20));
            assertThat(plan.kernelEnd()).isEqualTo(image.footprintEnd());
        }
    }

    private static List<Path> realKernels() throws IOException {
        List<Path> found = new ArrayList<>();
        Path boot = Path.of("/boot");
        if (Files.isDirectory(boot)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(boot, "vmlinuz-*")) {
                s.forEach(p -> {
                    if (Files.isReadable(p) && Files.isRegularFile(p)) {
                        found.add(p);
                    }
                });
            }
        }
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "bootkernel", "debian-cloud");
        if (Files.isDirectory(cache)) {
            try (DirectoryStream<Path> versions = Files.newDirectoryStream(cache)) {
                for (Path v : versions) {
                    Path k = v.resolve("vmlinuz");
                    if (Files.isRegularFile(k)) {
                        found.add(k);
                    }
                }
            }
        }
        return found;
    }
}
