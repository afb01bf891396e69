package io.github.bootkernel.engine.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.BootImageException;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.memory.GuestMemory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the boot inputs as {@code Machine.start} takes them, up to and including the copy into
 * guest memory: 10,000 mutations (fixed seed) of real kernels' setup headers and file sizes
 * ({@link SetupHeaderMutator}), each with a random guest memory size, initrd and command line.
 * Every case must end in a {@link BootImageException} that names the input and the reason, or in a
 * plan that satisfies {@link PlanInvariants} and loads into guest memory with the kernel's bytes
 * where the plan says: no other exception, no hang, and no file descriptor or mapping left behind.
 */
class BootInputsFuzzTest {

    private static final long SEED = 0x8b007_1a9L;
    private static final int CASES = 10_000;
    private static final int MAX_MIB = 320;
    private static final long MIB = 1L << 20;
    /** The kernel file's first bytes: the head, then a pattern past any setup_sects (at most 255 sectors). */
    private static final int PREFIX = 257 * 512;

    @TempDir
    Path dir;

    private record Initrd(Path path, long size) {
    }

    @Test
    @Timeout(300)
    void tenThousandMutatedSetupHeadersEndInANamedRefusalOrAPlanThatLoads() throws IOException {
        List<RealSetupHeaders.Sample> samples = RealSetupHeaders.distinct();
        Random random = new Random(SEED);
        long fds = HostCounters.openFds();
        long maps = HostCounters.mappings();
        List<KernelFile> kernels = new java.util.ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            kernels.add(new KernelFile(dir.resolve("bzImage-" + i)));
        }
        List<Initrd> initrds = List.of(initrd("small.cpio", 4096), initrd("busybox-sized.cpio", 2_671_580),
                initrd("large.cpio", 16 * MIB), initrd("huge.cpio", 1L << 30));
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, Integer> reasons = new TreeMap<>();
        long t0 = System.nanoTime();
        long cpu0 = HostCounters.cpuNanos();
        for (int i = 0; i < CASES; i++) {
            int sample = random.nextInt(samples.size());
            SetupHeaderMutator.Mutant mutant = SetupHeaderMutator.mutate(samples.get(sample), random);
            KernelFile kernelFile = kernels.get(sample);
            kernelFile.hold(mutant);
            Path kernel = kernelFile.path;
            int mib = MachineConfig.MIN_MEMORY_MIB + random.nextInt(MAX_MIB - MachineConfig.MIN_MEMORY_MIB + 1);
            int pick = random.nextInt(100);
            Initrd initrd = pick < 40 ? null : initrds.get(pick < 60 ? 0 : pick < 90 ? 1 : pick < 95 ? 2 : 3);
            int c = random.nextInt(100);
            String cmdline = c < 85 ? MachineConfig.DEFAULT_CMDLINE : c < 90 ? "a".repeat(2047)
                    : c < 95 ? "a".repeat(2048) : "console=ttyS0\0init=/x";
            String what = String.format("case %d (seed 0x%x): %s; %d MiB, initrd %s, command line of %d chars", i,
                    SEED, mutant.description(), mib, initrd == null ? "none" : initrd.size(), cmdline.length());
            String outcome;
            try {
                outcome = run(kernel, initrd, cmdline, mib);
            } catch (BootImageException e) {
                PlanInvariants.checkRefusal(e, kernel, initrd == null ? null : initrd.path());
                outcome = "refused: " + e.getMessage().substring(0, e.getMessage().indexOf(':'))
                        .replace(kernel.toString(), "").replace(initrd == null ? "\0" : initrd.path().toString(), "")
                        .strip();
                reasons.merge(reason(e.getMessage()), 1, Integer::sum);
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError(what + ": " + e, e);
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (KernelFile k : kernels) {
            k.close();
        }
        double cpu = (HostCounters.cpuNanos() - cpu0) / 1e9;
        long fdsAfter = HostCounters.openFds();
        long mapsAfter = HostCounters.mappings();
        System.out.printf("bootkernel fuzz: %d mutated setup headers (seed 0x%x) of %s in %.1f s (%.1f s CPU): %s%n",
                CASES, SEED, samples.stream().map(RealSetupHeaders.Sample::name).toList(), seconds, cpu, outcomes);
        reasons.forEach((r, n) -> System.out.printf("bootkernel fuzz:   %5d x %s%n", n, r));
        System.out.printf("bootkernel fuzz: %d distinct refusal reasons; open fds %d -> %d, mappings %d -> %d%n",
                reasons.size(), fds, fdsAfter, maps, mapsAfter);
        assertThat(outcomes.getOrDefault("loaded", 0)).as("cases that loaded").isGreaterThan(CASES / 10);
        assertThat(fdsAfter).as("open file descriptors after %d cases", CASES).isLessThanOrEqualTo(fds + 2);
        // The JIT and the garbage collector may map a little more; a leak would be one per case.
        assertThat(mapsAfter).as("memory mappings after %d cases", CASES).isLessThan(maps + 64);
    }

    /** One case, as Machine.start runs it up to the copy into guest memory; returns "loaded". */
    private static String run(Path kernel, Initrd initrd, String cmdline, int mib) {
        try (InputFile kernelFile = InputFile.open("kernel", kernel);
             InputFile initrdFile = initrd == null ? null : InputFile.open("initrd", initrd.path())) {
            BzImage image = BzImage.read(kernelFile);
            List<GuestMemory.Region> ram = Layout.ram(mib * MIB);
            LoadPlan plan = KernelLoader.plan(image, initrd == null ? null : initrd.path(),
                    initrd == null ? 0 : initrd.size(), cmdline, ram);
            PlanInvariants.check(image, plan, ram);
            try (GuestMemory memory = GuestMemory.allocate(ram)) {
                KernelLoader.load(memory, image, kernelFile, initrdFile, plan, 1, AcpiTablesTest.COM1);
                // The kernel starts at most 256 sectors in, inside the pattern; the file holds it up to its size.
                int n = (int) Math.min(64, image.kernelSize());
                int from = (int) image.kernelOffset();
                byte[] expected = Arrays.copyOfRange(PATTERN, from, from + n);
                assertThat(memory.read(plan.kernelAddress(), n)).as("the kernel's first bytes in guest memory")
                        .isEqualTo(expected);
                ByteBuffer zp = ByteBuffer.wrap(memory.read(plan.zeroPage(), BootParams.SIZE))
                        .order(ByteOrder.LITTLE_ENDIAN);
                assertThat(Integer.toUnsignedLong(zp.getInt(BootParams.CODE32_START))).isEqualTo(plan.kernelAddress());
                if (initrd != null) {
                    assertThat(memory.read(plan.initrdAddress(), 4)).containsExactly('0', '7', '0', '7');
                }
            }
            return "loaded";
        }
    }

    /**
     * A kernel file kept open across cases: each case writes only its head and, if the size
     * changed, the file's new length and whatever part of {@link #PATTERN} the file lost before.
     * Past the head, the file holds {@link #PATTERN} up to {@link #PREFIX} (beyond any
     * setup_sects), then a sparse tail: a kernel copied from the wrong offset shows.
     */
    private static final class KernelFile implements AutoCloseable {
        final Path path;
        private final FileChannel channel;
        private long size;
        private long patternEnd = BzImage.HEAD_BYTES;

        KernelFile(Path path) throws IOException {
            this.path = path;
            this.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        }

        void hold(SetupHeaderMutator.Mutant mutant) throws IOException {
            long want = mutant.fileSize();
            if (want < size) {
                channel.truncate(want);
                patternEnd = Math.max(BzImage.HEAD_BYTES, Math.min(patternEnd, want));
            } else if (want > size) {
                channel.write(ByteBuffer.allocate(1), want - 1);
            }
            size = want;
            long end = Math.min(want, PREFIX);
            if (patternEnd < end) {
                channel.write(ByteBuffer.wrap(PATTERN, (int) patternEnd, (int) (end - patternEnd)), patternEnd);
                patternEnd = end;
            }
            channel.write(ByteBuffer.wrap(mutant.head(), 0, (int) Math.min(BzImage.HEAD_BYTES, want)), 0);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Bytes that differ at every offset, for the kernel files past their heads. */
    private static final byte[] PATTERN = pattern();

    private static byte[] pattern() {
        byte[] pattern = new byte[PREFIX];
        for (int i = 0; i < PREFIX; i++) {
            pattern[i] = (byte) (i * 131 + (i >> 8) + 1);
        }
        return pattern;
    }

    private Initrd initrd(String name, long size) throws IOException {
        Path path = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            f.write("070701".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            f.setLength(size);
        }
        return new Initrd(path, size);
    }

    /** A refusal's reason with its numbers taken out, to count the distinct reasons. */
    private static String reason(String message) {
        return message.substring(message.indexOf(": ") + 2).replaceAll("0x[0-9a-f]+|\\d+", "#");
    }
}
