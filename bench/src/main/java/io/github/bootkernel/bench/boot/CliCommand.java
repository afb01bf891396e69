package io.github.bootkernel.bench.boot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one place that says how the benchmark launches bootkernel's command-line tool: as the README
 * says, through the launcher {@code engine/target/bootkernel} next to the jar (its class-data
 * archive and JVM settings, made by the build), else {@code java -jar bootkernel.jar} with this
 * JVM's {@code java}, or the command that the system property {@value #PROPERTY} names (words
 * separated by spaces), followed by the tool's options.
 */
public final class CliCommand {

    /** The system property that replaces {@code java -jar JAR} with another launch command. */
    public static final String PROPERTY = "bench.cli";

    private CliCommand() {
    }

    /**
     * @param jar     {@code engine/target/bootkernel.jar}
     * @param kernel  the bzImage
     * @param initrd  the initramfs
     * @param cmdline words added to the tool's default command line
     * @param cpus    vCPUs
     * @param timeoutSeconds the guest's time limit
     * @return the argv
     */
    public static List<String> argv(Path jar, Path kernel, Path initrd, String cmdline, int cpus, int timeoutSeconds) {
        List<String> argv = new ArrayList<>(launcher(jar));
        argv.addAll(List.of("--kernel", kernel.toString(), "--initrd", initrd.toString(), "--cmdline", cmdline,
                "--cpus", Integer.toString(cpus), "--timeout", Integer.toString(timeoutSeconds)));
        return argv;
    }

    /**
     * @param jar the tool's jar
     * @return the command that starts the tool, before its options
     */
    public static List<String> launcher(Path jar) {
        String custom = System.getProperty(PROPERTY, "").strip();
        if (!custom.isEmpty()) {
            return Arrays.asList(custom.split("\\s+"));
        }
        Path script = launcherScript(jar);
        if (Files.isExecutable(script)) {
            return List.of(script.toString());
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString());
    }

    private static Path launcherScript(Path jar) {
        Path dir = jar.toAbsolutePath().getParent();
        return dir.resolve("bootkernel");
    }

    /** @return the launch command in words, for the report */
    public static String describe(Path jar) {
        String custom = System.getProperty(PROPERTY, "").strip();
        if (!custom.isEmpty()) {
            return custom;
        }
        return Files.isExecutable(launcherScript(jar))
                ? "engine/target/bootkernel (the launcher: class-data archive, C1, serial GC)"
                : "java -jar engine/target/bootkernel.jar";
    }
}
