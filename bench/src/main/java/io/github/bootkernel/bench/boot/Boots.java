package io.github.bootkernel.bench.boot;

import io.github.bootkernel.bench.BenchContext;
import io.github.bootkernel.engine.MachineConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Boots {@link BenchImage} with each {@link Monitor}, all with the same kernel command line:
 * bootkernel's default ({@link MachineConfig#DEFAULT_CMDLINE}) plus {@code quiet} plus the
 * section's words, and 256 MiB of RAM. Before this JVM's first {@link Monitor#WARM} boot of a
 * kernel and vCPU count, it boots that kernel {@value #WARM_UPS} times, unmeasured.
 */
public final class Boots {

    /** Unmeasured boots before a warm JVM's first measured one, per kernel and vCPU count. */
    public static final int WARM_UPS = 2;
    /** The time limit of one boot. */
    public static final Duration TIMEOUT = Duration.ofSeconds(180);
    /** Guest RAM of every boot. */
    public static final int MEMORY_MIB = MachineConfig.DEFAULT_MEMORY_MIB;

    private static final Pattern EXITS = Pattern.compile("guest ended: .*[;,] (\\d+) VM exits?\\b");

    private final BenchContext context;
    private final Path image;
    /** The kernels and vCPU counts this JVM has warmed up with, across sections. */
    private static final Set<String> WARMED_UP = ConcurrentHashMap.newKeySet();

    /**
     * @param context the run; the image is written into its work directory
     */
    public Boots(BenchContext context) {
        this.context = context;
        this.image = BenchImage.write(context.cache().resolve("latest").resolve("busybox-static"),
                context.work().resolve("bench-initramfs.cpio"));
    }

    /** @return the command line every monitor gets, before a section's words */
    public static String baseCmdline() {
        return MachineConfig.DEFAULT_CMDLINE + " quiet";
    }

    /**
     * Boots once, measured.
     *
     * @param subject what to boot with
     * @param extra   words added to the command line, e.g. {@link BenchImage#POWEROFF}; may be empty
     * @return its times
     * @throws IOException when the boot fails; the message names the subject and quotes the console
     */
    public BootTimes boot(Subject subject, String extra) throws IOException, InterruptedException {
        Path kernel = context.kernel(subject.kernel());
        if (!Files.isRegularFile(kernel)) {
            throw new IOException("kernel " + subject.kernel() + ": no file " + kernel + " (fill the cache first)");
        }
        String cmdline = (baseCmdline() + " " + extra).strip();
        Path stderr = context.work().resolve("stderr.txt");
        String what = subject + (extra.isEmpty() ? "" : " (" + extra + ")");
        return switch (subject.monitor()) {
            case QEMU_PC -> ProcessBoot.run(what, QemuCommand.argv(QemuCommand.Type.PC, kernel, image, cmdline,
                    subject.cpus(), MEMORY_MIB), stderr, TIMEOUT);
            case QEMU_MICROVM -> ProcessBoot.run(what, QemuCommand.argv(QemuCommand.Type.MICROVM, kernel, image,
                    cmdline, subject.cpus(), MEMORY_MIB), stderr, TIMEOUT);
            case CLI -> cli(what, kernel, (" quiet " + extra).strip(), subject.cpus(), stderr);
            case WARM -> warm(what, subject, kernel, cmdline);
        };
    }

    private BootTimes cli(String what, Path kernel, String extra, int cpus, Path stderr)
            throws IOException, InterruptedException {
        BootTimes times = ProcessBoot.run(what, CliCommand.argv(context.jar(), kernel, image, extra, cpus,
                (int) TIMEOUT.toSeconds()), stderr, TIMEOUT.plusSeconds(30));
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        if (!err.contains("guest ended: RESET") && !err.contains("guest ended: POWEROFF")) {
            throw new IOException(what + ": the tool did not say the guest reset or powered off:\n" + err.strip());
        }
        return exits(err).map(times::withExits).orElse(times);
    }

    /**
     * @param stderr the tool's standard error
     * @return the VM exits its end line names ({@code "...; 419 VM exits)"}), if it names them
     */
    static Optional<Long> exits(String stderr) {
        Matcher m = EXITS.matcher(stderr);
        return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    private BootTimes warm(String what, Subject subject, Path kernel, String cmdline)
            throws IOException, InterruptedException {
        MachineConfig config = MachineConfig.builder(kernel).initrd(image).cmdline(cmdline)
                .memoryMiB(MEMORY_MIB).cpus(subject.cpus()).timeout(TIMEOUT).build();
        if (WARMED_UP.add(subject.kernel() + "/" + subject.cpus())) {
            for (int i = 0; i < WARM_UPS; i++) {
                WarmBoot.run(what + " warm-up " + (i + 1), config, TIMEOUT);
            }
        }
        return WarmBoot.run(what, config, TIMEOUT);
    }

    /**
     * The subjects in the order of repetition {@code run}: the list turned by {@code run} places,
     * so no subject always goes first.
     *
     * @param subjects the subjects
     * @param run      the repetition, from 0
     * @param <T>      the subjects' type
     * @return the reordered list
     */
    public static <T> List<T> rotated(List<T> subjects, int run) {
        int k = Math.floorMod(run, subjects.size());
        List<T> out = new ArrayList<>(subjects.subList(k, subjects.size()));
        out.addAll(subjects.subList(0, k));
        return out;
    }
}
