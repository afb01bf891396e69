package io.github.bootkernel.kernels.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.bootkernel.kernels.probe.build.ProbeBuild;
import io.github.bootkernel.kernels.probe.build.ProbeRecipe;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds the probe and checks its bzImage header against boot.rst, the cache, the build errors
 * and the helpers. The probe is a test double, not Linux: nothing here boots Linux. Booting the
 * probe under QEMU (through QEMU's own 16-bit
 * entry, {@link QemuProbe}) is a bonus at the end that is skipped when QEMU is not installed.
 */
class ProbeKernelTest {

    @TempDir
    static Path cache;

    private static Path image;
    private static byte[] bytes;
    private static Header header;

    @BeforeAll
    static void build() throws IOException {
        image = ProbeRecipe.image(cache, ProbeBuild.Toolchain.DEFAULT);
        bytes = Files.readAllBytes(image);
        header = new Header(bytes);
    }

    @Test
    void hasTheBootSectorMagicAndTheHdrSSignature() {
        assertThat(header.u16(0x1fe)).as("boot_flag at 0x1fe").isEqualTo(0xaa55);
        assertThat(header.ascii(0x202, 4)).as("header at 0x202").isEqualTo("HdrS");
        assertThat(header.u16(0x206)).as("version at 0x206")
                .isEqualTo(0x020f).isGreaterThanOrEqualTo(0x0206);
    }

    @Test
    void setupSectorsAndSyssizeAccountForTheWholeFile() {
        int setupSects = header.u8(0x1f1);
        int setupSize = (setupSects + 1) * 512;
        assertThat(setupSects).as("setup_sects").isEqualTo(8);
        assertThat(bytes.length).isGreaterThan(setupSize);
        long payload = bytes.length - setupSize;
        assertThat(payload % 16).as("payload padded to 16 bytes").isZero();
        assertThat(header.u32(0x1f4) * 16).as("syssize * 16 = payload length").isEqualTo(payload);
        assertThat(header.u32(0x260)).as("init_size covers the payload and its stack")
                .isGreaterThanOrEqualTo(payload + 4096);
    }

    @Test
    void loadsHighAt1MiBAndIsNotRelocatable() {
        assertThat(header.u8(0x211) & 0x01).as("loadflags LOADED_HIGH").isEqualTo(0x01);
        assertThat(header.u32(0x214)).as("code32_start").isEqualTo(ProbeKernel.LOAD_ADDRESS);
        assertThat(header.u64(0x258)).as("pref_address").isEqualTo(ProbeKernel.LOAD_ADDRESS);
        assertThat(header.u8(0x234)).as("relocatable_kernel").isZero();
        assertThat(header.u32(0x230)).as("kernel_alignment").isEqualTo(0x100000L);
        assertThat(header.u16(0x236)).as("xloadflags: no 64-bit or EFI entry").isZero();
        assertThat(header.u8(header.setupSize())).as("first payload byte is cli (0xfa)").isEqualTo(0xfa);
    }

    @Test
    void advertisesCommandLineAndInitrdLimits() {
        assertThat(header.u32(0x238)).as("cmdline_size").isEqualTo(ProbeKernel.COMMAND_LINE_SIZE);
        assertThat(header.u32(0x22c)).as("initrd_addr_max").isEqualTo(0x37ffffffL);
    }

    @Test
    void leavesLoaderFieldsAndTheZeroPageTemplateEmpty() {
        assertThat(header.u8(0x210)).as("type_of_loader").isZero();
        assertThat(header.u32(0x218)).as("ramdisk_image").isZero();
        assertThat(header.u32(0x21c)).as("ramdisk_size").isZero();
        assertThat(header.u16(0x224)).as("heap_end_ptr").isZero();
        assertThat(header.u32(0x228)).as("cmd_line_ptr").isZero();
        for (int i = 0; i < 0x1f1; i++) {
            assertThat(bytes[i]).as("boot_params template byte 0x%x", i).isZero();
        }
    }

    @Test
    void jumpAt0x200ReachesTheRealModeEntryInsideTheSetupArea() {
        assertThat(header.u8(0x200)).as("jump opcode (jmp short)").isEqualTo(0xeb);
        int target = 0x202 + (byte) header.u8(0x201);
        assertThat(target).isGreaterThanOrEqualTo(0x26c).isLessThan(0x290);
    }

    @Test
    void kernelVersionStringAndKernelInfoSayWhatItIs() {
        int version = 0x200 + header.u16(0x20e);
        int end = version;
        while (bytes[end] != 0) {
            end++;
        }
        assertThat(new String(bytes, version, end - version, StandardCharsets.US_ASCII))
                .startsWith("probe ").contains("NOT Linux");
        int kernelInfo = header.setupSize() + (int) header.u32(0x268);
        assertThat(header.ascii(kernelInfo, 4)).as("kernel_info header").isEqualTo("LToP");
        assertThat(header.u32(kernelInfo + 8)).as("kernel_info.size_total").isGreaterThanOrEqualTo(16);
    }

    @Test
    void secondCallReusesTheCachedImage() throws IOException {
        FileTime before = Files.getLastModifiedTime(image);
        Path again = ProbeRecipe.image(cache, ProbeBuild.Toolchain.DEFAULT);
        assertThat(again).isEqualTo(image);
        assertThat(Files.getLastModifiedTime(again)).isEqualTo(before);
        try (Stream<Path> entries = Files.list(cache.resolve("probe"))) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .as("one entry per source key, no build directory left over")
                    .containsExactly(image.getParent().getFileName().toString());
        }
    }

    @Test
    void cacheKeyFollowsTheSources() {
        List<byte[]> sources = new ArrayList<>(
                ProbeRecipe.SOURCES.stream().map(ProbeRecipe::readSource).toList());
        String key = ProbeRecipe.key(sources);
        assertThat(image.getParent().getFileName().toString()).isEqualTo(key);
        assertThat(key).matches("[0-9a-f]{16}");
        byte[] edited = Arrays.copyOf(sources.get(0), sources.get(0).length + 1);
        edited[edited.length - 1] = '\n';
        sources.set(0, edited);
        assertThat(ProbeRecipe.key(sources)).isNotEqualTo(key);
    }

    @Test
    void publicEntryPointBuildsIntoTheUserCache() {
        Path fromCache = ProbeKernel.image();
        assertThat(fromCache).isRegularFile().hasFileName(ProbeRecipe.IMAGE_NAME);
        assertThat(fromCache).hasSameBinaryContentAs(image);
    }

    @Test
    void missingAssemblerNamesTheToolAndTheDebianPackage(@TempDir Path otherCache) {
        ProbeBuild.Toolchain noAs = new ProbeBuild.Toolchain("bootkernel-no-such-as", "ld", "objcopy");
        assertThatThrownBy(() -> ProbeRecipe.image(otherCache, noAs))
                .isInstanceOfSatisfying(ProbeToolMissingException.class, e -> {
                    assertThat(e.tool()).isEqualTo("bootkernel-no-such-as");
                    assertThat(e.debianPackage()).isEqualTo("binutils");
                })
                .hasMessageContaining("'bootkernel-no-such-as' (the GNU assembler) was not found")
                .hasMessageContaining("apt-get install binutils");
    }

    @Test
    void failingStepReportsTheCommandAndStatus(@TempDir Path otherCache) throws IOException {
        ProbeBuild.Toolchain failingLd = new ProbeBuild.Toolchain("as", "false", "objcopy");
        assertThatThrownBy(() -> ProbeRecipe.image(otherCache, failingLd))
                .isInstanceOf(ProbeBuildException.class)
                .isNotInstanceOf(ProbeToolMissingException.class)
                .hasMessageContaining(
                        "linking probe.o: `false -m elf_i386 -T probe.ld -o probe.elf probe.o`")
                .hasMessageContaining("exited with status 1");
        try (Stream<Path> entries = Files.list(otherCache.resolve("probe"))) {
            assertThat(entries).as("a failed build leaves nothing in the cache").isEmpty();
        }
    }

    @Test
    void commandLineWords() {
        assertThat(ProbeKernel.flood(3)).isEqualTo("probe.flood=3");
        assertThat(ProbeKernel.flood(0)).isEqualTo("probe.flood=0");
        assertThat(ProbeKernel.exit(255)).isEqualTo("probe.exit=255");
        assertThat(List.of(ProbeKernel.ECHO, ProbeKernel.SPIN, ProbeKernel.HLT, ProbeKernel.TRIPLE,
                ProbeKernel.RESET))
                .containsExactly("probe.echo", "probe.spin", "probe.hlt", "probe.triple", "probe.reset");
        assertThatThrownBy(() -> ProbeKernel.exit(256)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0..255");
        assertThatThrownBy(() -> ProbeKernel.flood(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyActionWordIsSpelledTheSameInTheSource() {
        String source = new String(ProbeRecipe.readSource("probe.S"), StandardCharsets.UTF_8);
        for (String word : List.of(ProbeKernel.ECHO, ProbeKernel.SPIN, ProbeKernel.HLT, ProbeKernel.TRIPLE,
                ProbeKernel.RESET, "probe.flood=", "probe.exit=")) {
            assertThat(source).contains(".asciz \"" + word + "\"");
        }
    }

    @Test
    void outputLinesAndChecksum() {
        assertThat(ProbeOutput.initrdChecksum(new byte[] {1, 2, 3, 4, 5})).isEqualTo(0x04030206);
        assertThat(ProbeOutput.initrdChecksum(new byte[0])).isZero();
        assertThat(ProbeOutput.initrdChecksum(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}))
                .as("wraps around").isEqualTo(0xfffffffe);
        assertThat(ProbeOutput.e820(0x100000, 0xff00000L, 1))
                .isEqualTo("probe: e820 0x0000000000100000 0x000000000ff00000 1")
                .matches(ProbeOutput.E820);
        assertThat(ProbeOutput.initrd(0x7fc7000L, new byte[] {1, 2, 3, 4, 5}))
                .isEqualTo("probe: initrd addr=0x0000000007fc7000 size=0x0000000000000005 sum=0x04030206")
                .matches(ProbeOutput.INITRD);
        assertThat("probe: initrd addr=0x0000000100000000 size=0x0000000000001000 sum=unreadable")
                .matches(ProbeOutput.INITRD);
        assertThat(ProbeOutput.flood(2)).isEqualTo("probe: flood 2");
        assertThat(ProbeOutput.cmdline("a b")).isEqualTo("probe: cmdline=a b");
    }

    // ---- Bonus: boot the probe under QEMU/TCG (QEMU's 16-bit entry), when QEMU is installed ----

    private static QemuProbe.Result qemu(String commandLine, Path initrd, byte[] serialInput, Path workDir)
            throws IOException, InterruptedException {
        Optional<Path> qemu = QemuProbe.find();
        assumeTrue(qemu.isPresent(), "qemu-system-x86_64 is not installed; the header tests still ran");
        return QemuProbe.boot(qemu.get(), image, commandLine, initrd, serialInput, workDir);
    }

    /** Checks the report every boot starts with and returns the lines after "probe: ready". */
    private static List<String> afterReport(QemuProbe.Result result, String commandLine, String initrdLine) {
        assertThat(result.serial()).as("every line ends with \\r\\n").endsWith("\r\n")
                .doesNotContainPattern("[^\r]\n");
        List<String> lines = result.lines();
        assertThat(lines).as(result.toString()).contains(ProbeOutput.READY);
        assertThat(lines.get(0)).isEqualTo(ProbeOutput.cmdline(commandLine));
        int ready = lines.indexOf(ProbeOutput.READY);
        List<String> e820 = lines.subList(1, ready - 1);
        assertThat(e820).as("e820 lines from the BIOS map").isNotEmpty()
                .allMatch(l -> ProbeOutput.E820.matcher(l).matches());
        assertThat(e820).as("RAM at 1 MiB")
                .anyMatch(l -> l.startsWith("probe: e820 0x0000000000100000 ") && l.endsWith(" 1"));
        assertThat(lines.get(ready - 1)).isEqualTo(initrdLine);
        return lines.subList(ready + 1, lines.size());
    }

    @Test
    void qemuFloodPrintsTheReportThenNLinesThenExitsWithZero(@TempDir Path work) throws Exception {
        String commandLine = "console=ttyS0 " + ProbeKernel.flood(3);
        QemuProbe.Result result = qemu(commandLine, null, null, work);
        assertThat(afterReport(result, commandLine, ProbeOutput.INITRD_NONE))
                .containsExactly(ProbeOutput.flood(1), ProbeOutput.flood(2), ProbeOutput.flood(3));
        assertThat(result.probeExitStatus()).as(result.toString()).contains(0);
    }

    @Test
    void qemuWithoutActionWordPrintsDone(@TempDir Path work) throws Exception {
        QemuProbe.Result result = qemu("quiet", null, null, work);
        assertThat(afterReport(result, "quiet", ProbeOutput.INITRD_NONE)).containsExactly(ProbeOutput.DONE);
        assertThat(result.probeExitStatus()).as(result.toString()).contains(0);
    }

    @Test
    void qemuOnlyTheFirstWellFormedActionWordCounts(@TempDir Path work) throws Exception {
        String commandLine = "probe.exit=256 probe.flood=x probe.floodx probe.exit=7 " + ProbeKernel.flood(2);
        QemuProbe.Result result = qemu(commandLine, null, null, work);
        assertThat(afterReport(result, commandLine, ProbeOutput.INITRD_NONE)).isEmpty();
        assertThat(result.probeExitStatus()).as(result.toString()).contains(7);
    }

    @Test
    void qemuInitrdIsReportedWithItsChecksum(@TempDir Path work) throws Exception {
        byte[] contents = new byte[64 * 1024 + 3];
        new Random(42).nextBytes(contents);
        Path initrd = Files.write(work.resolve("initrd.bin"), contents);
        QemuProbe.Result result = qemu("x", initrd, null, work);
        String line = result.lines().stream().filter(l -> l.startsWith("probe: initrd"))
                .findFirst().orElseThrow();
        Matcher m = ProbeOutput.INITRD.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        long addr = Long.parseUnsignedLong(m.group("addr"), 16);
        assertThat(line).isEqualTo(ProbeOutput.initrd(addr, contents));
        afterReport(result, "x", line);
    }

    @Test
    void qemuEchoReturnsInputAndCtrlDExits(@TempDir Path work) throws Exception {
        byte[] typed = "hi\rthere\n\u0004ignored".getBytes(StandardCharsets.US_ASCII);
        QemuProbe.Result result = qemu(ProbeKernel.ECHO, null, typed, work);
        assertThat(afterReport(result, ProbeKernel.ECHO, ProbeOutput.INITRD_NONE))
                .containsExactly("hi", "there");
        assertThat(result.probeExitStatus()).as(result.toString()).contains(0);
    }

    @Test
    void qemuTripleFaultAndResetEndTheMachine(@TempDir Path work) throws Exception {
        for (String word : List.of(ProbeKernel.TRIPLE, ProbeKernel.RESET)) {
            QemuProbe.Result result = qemu(word, null, null, work);
            assertThat(afterReport(result, word, ProbeOutput.INITRD_NONE)).isEmpty();
            assertThat(result.qemuStatus()).as("-no-reboot turns the reset into an exit; " + result).isZero();
        }
    }

    /** Little-endian reads from the image, at offsets named as in boot.rst. */
    private record Header(ByteBuffer buffer) {

        Header(byte[] bytes) {
            this(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
        }

        int u8(int offset) {
            return buffer.get(offset) & 0xff;
        }

        int u16(int offset) {
            return buffer.getShort(offset) & 0xffff;
        }

        long u32(int offset) {
            return buffer.getInt(offset) & 0xffffffffL;
        }

        long u64(int offset) {
            return buffer.getLong(offset);
        }

        String ascii(int offset, int length) {
            byte[] out = new byte[length];
            buffer.get(offset, out);
            return new String(out, StandardCharsets.US_ASCII);
        }

        int setupSize() {
            return (u8(0x1f1) + 1) * 512;
        }
    }
}
