package io.github.bootkernel.bench.boot;

import io.github.bootkernel.kernels.initramfs.BusyboxInitramfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's initramfs: a static busybox whose {@code /init} mounts {@code /proc}, prints
 * {@link #INIT_LINE} with the guest's uptime, prints {@link #LAST_LINE} and ends the guest with
 * {@code reboot -f}, or with {@code poweroff -f} when the command line holds {@link #POWEROFF}.
 * Nothing else runs: every monitor boots the same image to the same line.
 */
public final class BenchImage {

    /** The start of the line {@code /init} prints first; the guest's uptime in seconds follows. */
    public static final String INIT_LINE = "bench: init reached, uptime ";
    /** The guest's last line, right before it resets or powers off. */
    public static final String LAST_LINE = "bench: ending";
    /** The command-line word that makes {@code /init} power off instead of resetting. */
    public static final String POWEROFF = "bench_end=poweroff";

    private static final Pattern UPTIME = Pattern.compile(Pattern.quote(INIT_LINE) + "([0-9]+\\.[0-9]+)");

    static final String INIT = """
            #!/bin/busybox sh
            /bin/busybox mount -t proc proc /proc
            read up idle < /proc/uptime
            /bin/busybox echo "%1$s$up"
            /bin/busybox echo "%2$s"
            if /bin/busybox grep -q '%3$s' /proc/cmdline; then
              /bin/busybox poweroff -f
            fi
            /bin/busybox reboot -f
            """.formatted(INIT_LINE, LAST_LINE, POWEROFF);

    private BenchImage() {
    }

    /**
     * Writes the image.
     *
     * @param busybox a static busybox executable
     * @param file where to write the newc archive
     * @return {@code file}
     */
    public static Path write(Path busybox, Path file) {
        if (!Files.isRegularFile(busybox)) {
            throw new IllegalArgumentException("busybox " + busybox + ": not a file (is the kernel cache filled?)");
        }
        return BusyboxInitramfs.create(busybox).initScript(INIT).build().writeTo(file);
    }

    /**
     * @param line a console line
     * @return whether it is the init line
     */
    public static boolean isInitLine(String line) {
        return line.contains(INIT_LINE);
    }

    /**
     * @param line a console line
     * @return whether it is the last line
     */
    public static boolean isLastLine(String line) {
        return line.contains(LAST_LINE);
    }

    /**
     * @param line the init line
     * @return the guest's uptime it names, in seconds
     * @throws IllegalArgumentException if the line names none
     */
    public static double uptime(String line) {
        Matcher m = UPTIME.matcher(line);
        if (!m.find()) {
            throw new IllegalArgumentException("not an init line with an uptime: '" + line + "'");
        }
        return Double.parseDouble(m.group(1));
    }
}
