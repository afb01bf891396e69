package io.github.bootkernel.bench.sections;

import io.github.bootkernel.bench.BenchContext;
import io.github.bootkernel.bench.Row;
import io.github.bootkernel.bench.Samples;
import io.github.bootkernel.bench.Section;
import io.github.bootkernel.bench.Stats;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.agent.ExecResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The command channel (the guest agent on ttyS1): per repetition one fresh guest of the first
 * kernel with the cached busybox image (which starts the agent), then the round trip of
 * {@code /bin/true} ({@value #ROUND_TRIPS} times, after {@value #WARM_UPS} unmeasured), and the
 * throughput of a program's standard output, a copy into the guest and a copy out of it, each of
 * {@link #bytes(double)} bytes. The kernel log stays off, so its records do not share the channel.
 */
public final class CommandChannel implements Section {

    /** The section's name. */
    public static final String NAME = "command channel";
    /** The system property that sets the throughput's size in KiB. */
    public static final String BYTES_PROPERTY = "bench.channelKiB";
    /** Measured round trips per repetition. */
    public static final int ROUND_TRIPS = 20;
    /** Unmeasured round trips before them. */
    public static final int WARM_UPS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(300);
    /** The probe's size. */
    private static final int PROBE_BYTES = 4096;
    /** About how long each throughput transfer should take. */
    static final int TARGET_SECONDS = 5;
    private static final double MIB = 1024 * 1024;

    @Override
    public String name() {
        return NAME;
    }

    /**
     * The throughput's size: {@value #BYTES_PROPERTY} KiB when set, else what a 4 KiB probe says
     * the channel moves in about {@value #TARGET_SECONDS} s, between 16 KiB and 8 MiB (every byte
     * over the serial port costs VM exits: a few KiB/s in the build machines' nested VM, far more
     * on hardware KVM).
     *
     * @param probeSeconds how long the probe's 4 KiB took
     * @return bytes, a multiple of 1 KiB
     */
    static int bytes(double probeSeconds) {
        Integer kib = Integer.getInteger(BYTES_PROPERTY);
        if (kib != null) {
            return Math.max(1, kib) * 1024;
        }
        double perSecond = PROBE_BYTES / Math.max(probeSeconds, 1e-6);
        long wanted = (long) (perSecond * TARGET_SECONDS) / 1024 * 1024;
        return (int) Math.max(16 << 10, Math.min(8 << 20, wanted));
    }

    @Override
    public List<Row> run(BenchContext context) throws Exception {
        String kernel = context.mainKernel();
        String subject = "bootkernel warm JVM, " + kernel + ", 1 vCPU";
        Path blob = context.work().resolve("channel-blob");
        int size = -1;
        byte[] content = null;
        Path back = context.work().resolve("channel-back");
        MachineConfig config = MachineConfig.builder(context.kernel(kernel))
                .initrd(context.kernel("busybox-initramfs")).appendCmdline("quiet")
                .agent(true).kernelLog(false).timeout(TIMEOUT.multipliedBy(2)).build();
        Samples samples = new Samples(NAME, context.where());
        for (int run = 0; run < context.runs(); run++) {
            try (Machine machine = Machine.start(config)) {
                machine.agent().awaitConnected(TIMEOUT);
                Progress.step(subject, run, "agent connected; round trips");
                for (int i = 0; i < WARM_UPS; i++) {
                    check(machine.agent().exec(Exec.of("/bin/true")));
                }
                List<Double> trips = new ArrayList<>();
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    long t0 = System.nanoTime();
                    check(machine.agent().exec(Exec.of("/bin/true")));
                    double ms = (System.nanoTime() - t0) / 1e6;
                    trips.add(ms);
                    samples.add(subject, "exec round trip of /bin/true", "ms", "", ms);
                }
                Progress.value(subject, run, "round trip median", Stats.of(trips).median(), "ms");
                if (size < 0) {
                    long p0 = System.nanoTime();
                    check(machine.agent().exec(head(PROBE_BYTES)));
                    size = bytes(seconds(p0));
                    content = new byte[size];
                    new Random(12).nextBytes(content);
                    Files.write(blob, content);
                }
                String sizeNote = size / 1024 + " KiB";
                Progress.step(subject, run, "stdout of busybox head -c " + size);
                long t0 = System.nanoTime();
                ExecResult out = check(machine.agent().exec(head(size)));
                double stdout = seconds(t0);
                if (out.stdoutBytes().length != size) {
                    throw new IOException("busybox head -c " + size + " printed " + out.stdoutBytes().length + " bytes");
                }
                Progress.step(subject, run, "copy into the guest");
                t0 = System.nanoTime();
                machine.agent().copyToGuest(blob, "/tmp/blob", 0644, TIMEOUT);
                double put = seconds(t0);
                Progress.step(subject, run, "copy out of the guest");
                t0 = System.nanoTime();
                machine.agent().copyFromGuest("/tmp/blob", back, size, TIMEOUT);
                double get = seconds(t0);
                if (!Arrays.equals(Files.readAllBytes(back), content)) {
                    throw new IOException("the file copied out of the guest differs from the one copied in");
                }
                samples.add(subject, "stdout of a program (head -c)", "MiB/s", sizeNote, size / MIB / stdout);
                samples.add(subject, "copy into the guest", "MiB/s", sizeNote, size / MIB / put);
                samples.add(subject, "copy out of the guest", "MiB/s", sizeNote, size / MIB / get);
                Progress.value(subject, run, "stdout", size / MIB / stdout, "MiB/s");
                Progress.value(subject, run, "copy in", size / MIB / put, "MiB/s");
                Progress.value(subject, run, "copy out", size / MIB / get, "MiB/s");
            }
        }
        return samples.rows();
    }

    private static Exec head(int bytes) {
        return Exec.of("/bin/busybox", "head", "-c", Integer.toString(bytes), "/dev/zero").timeout(TIMEOUT);
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static ExecResult check(ExecResult result) throws IOException {
        if (!result.succeeded()) {
            throw new IOException(result.exec() + " failed in the guest: status " + result.status()
                    + ", stderr " + result.stderr().strip());
        }
        return result;
    }
}
