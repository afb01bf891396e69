package io.github.bootkernel.kernels.probe;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Boots the probe under QEMU's software emulator (TCG) through QEMU's own 16-bit entry of the
 * boot protocol, as an independent check of the image: if QEMU's loader and the probe agree,
 * the header is right. A test aid only; QEMU is optional and its tests are a bonus on top of the
 * header checks in {@link ProbeKernelTest}.
 *
 * <p>QEMU's {@code isa-debug-exit} device at port 0xf4 turns a probe exit status {@code n} into
 * the QEMU exit status {@code (n << 1) | 1}; with {@code -no-reboot}, a reset or triple fault
 * ends QEMU with status 0.
 */
final class QemuProbe {

    /** Boots take well under a second; the bound only matters when something hangs. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** What one boot left behind. */
    record Result(int qemuStatus, String serial, String stderr) {

        /** The serial output split into lines at {@code "\r\n"}, without a trailing empty one. */
        List<String> lines() {
            List<String> lines = new ArrayList<>(Arrays.asList(serial.split("\r\n", -1)));
            if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1);
            }
            return lines;
        }

        /** The status the probe wrote to port 0xf4, if it ended QEMU that way. */
        Optional<Integer> probeExitStatus() {
            return (qemuStatus & 1) == 1 ? Optional.of(qemuStatus >> 1) : Optional.empty();
        }

        @Override
        public String toString() {
            return "QEMU status " + qemuStatus + ", serial:\n" + serial + "\nstderr:\n" + stderr;
        }
    }

    private QemuProbe() {
    }

    /**
     * Finds {@code qemu-system-x86_64} on the PATH.
     *
     * @return its path, or empty if it is not installed
     */
    static Optional<Path> find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Arrays.stream(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "qemu-system-x86_64"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * Boots the image and waits for QEMU to end.
     *
     * @param qemu the QEMU binary
     * @param image the probe image
     * @param commandLine the kernel command line
     * @param initrd an initrd file, or {@code null}
     * @param serialInput bytes to feed the serial port, or {@code null} for none
     * @param workDir where to keep input and output files
     * @return the exit status and output
     * @throws IOException if QEMU cannot start or its output cannot be read
     * @throws InterruptedException if interrupted while waiting
     */
    static Result boot(Path qemu, Path image, String commandLine, Path initrd, byte[] serialInput,
            Path workDir) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(qemu.toString(),
                "-nodefaults", "-machine", "pc,accel=tcg", "-m", "128",
                "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x01",
                "-kernel", image.toString(), "-append", commandLine));
        if (initrd != null) {
            command.addAll(List.of("-initrd", initrd.toString()));
        }
        Path in = Files.write(Files.createTempFile(workDir, "serial-in-", ".bin"),
                serialInput == null ? new byte[0] : serialInput);
        Path out = Files.createTempFile(workDir, "serial-out-", ".txt");
        Path err = Files.createTempFile(workDir, "qemu-err-", ".txt");
        Process process = new ProcessBuilder(command)
                .redirectInput(in.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("QEMU did not end within " + TIMEOUT.toSeconds() + " s; serial:\n"
                        + Files.readString(out, StandardCharsets.ISO_8859_1));
            }
        } finally {
            process.destroyForcibly();
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                Files.readString(err, StandardCharsets.ISO_8859_1));
    }
}
