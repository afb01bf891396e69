package io.github.bootkernel.engine;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a new JVM on this module's class path whose JNA cannot load its native
 * library: {@code jna.nosys} and {@code jna.nounpack} forbid the system's copy and the one in the
 * jar, and {@code jna.boot.library.path} names an empty directory. That is what a host without a
 * usable {@code libjnidispatch} (an unsupported architecture, a {@code noexec} temporary
 * directory) looks like to the monitor.
 */
final class ChildJvm {

    /** What the child JVM did. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    private ChildJvm() {
    }

    /**
     * @param emptyDir an empty directory for {@code jna.boot.library.path}
     * @param classPath the class path, {@link File#pathSeparator}-separated
     * @param mainClass the class to run
     * @param args its arguments
     * @return its exit code and output, after it ended (within a minute)
     */
    static Result withoutJnaNative(Path emptyDir, String classPath, String mainClass, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Djna.nosys=true", "-Djna.nounpack=true",
                "-Djna.boot.library.path=" + emptyDir, "-cp", classPath, mainClass));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(emptyDir.getParent(), "stdout", ".txt");
        Path err = Files.createTempFile(emptyDir.getParent(), "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().remove("CI");
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child JVM did not end within 60 s: " + command);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /**
     * The class path of the running tests: the test classes (Surefire patches them into the module
     * rather than listing them), the module path and the class path.
     *
     * @param testClasses this module's test classes directory
     * @return the joined path
     */
    static String testClassPath(Path testClasses) {
        return String.join(File.pathSeparator, testClasses.toString(), System.getProperty("jdk.module.path", ""),
                System.getProperty("java.class.path", ""));
    }
}
