package io.github.bootkernel.kernels.probe;

import io.github.bootkernel.kernels.Catalog;
import java.nio.file.Path;

/**
 * The probe: a tiny guest laid out as a bzImage, a test double for the monitor. <b>It is not
 * Linux</b>, and no test may claim "boots Linux" because the probe booted: it proves only that
 * the monitor loads a bzImage and hands over the 32-bit boot protocol state correctly.
 *
 * <p>The probe is written in GNU assembler ({@code probe.S} and {@code probe.ld}, packaged as
 * resources next to this class) and built on first use with binutils ({@code as --32},
 * {@code ld -m elf_i386}, {@code objcopy}) into the cache as the catalog's {@code probe} item
 * (see {@code probe.build.ProbeRecipe}),
 * {@code <cache>/probe/<key>/probe.bzImage}, under a key derived from the SHA-256 of its sources,
 * so later calls return the same file at once.
 * It boots in milliseconds on any KVM, including instruction-emulating ones such as PVM,
 * because it uses only 32-bit protected-mode code and polled port I/O.
 *
 * <p>Boot it like a kernel with a command line made from the words below, for example
 * {@code "console=ttyS0 " + ProbeKernel.flood(3)}. It prints on the 16550 at 0x3f8:
 * <pre>
 * probe: cmdline=console=ttyS0 probe.flood=3
 * probe: e820 0x0000000000000000 0x000000000009fc00 1
 * probe: e820 0x0000000000100000 0x000000000ff00000 1
 * probe: initrd none
 * probe: ready
 * probe: flood 1
 * probe: flood 2
 * probe: flood 3
 * </pre>
 * and then writes exit status 0 to port {@value #EXIT_PORT}. {@link ProbeOutput} formats and
 * parses these lines and computes the initrd checksum the probe prints. Only the first action
 * word on the command line counts; without one the probe prints {@code probe: done} and exits
 * with status 0. Unknown words are ignored, and so are action words with a malformed number.
 */
public final class ProbeKernel {

    /**
     * Echo serial input ({@code \r} and {@code \n} as {@code \r\n}); byte 0x04 exits with 0. The probe
     * first enables the UART's received-data interrupt (interrupts stay off) and then polls, so a
     * monitor that holds input until the guest listens delivers it.
     */
    public static final String ECHO = "probe.echo";

    /** Spin forever in a {@code jmp .} loop with interrupts off, to test stopping a busy guest. */
    public static final String SPIN = "probe.spin";

    /** Halt forever with interrupts off ({@code cli; hlt}). */
    public static final String HLT = "probe.hlt";

    /** Triple-fault: empty IDT, then {@code ud2}; the vCPU shuts down (KVM_EXIT_SHUTDOWN). */
    public static final String TRIPLE = "probe.triple";

    /** Reset through the i8042: write 0xFE to port 0x64. */
    public static final String RESET = "probe.reset";

    /** The port a one-byte write of the exit status goes to. */
    public static final int EXIT_PORT = 0xf4;

    /** Where the probe's 32-bit payload runs: its code32_start and pref_address. */
    public static final long LOAD_ADDRESS = 0x100000L;

    /** The longest command line the probe reads (its header's cmdline_size). */
    public static final int COMMAND_LINE_SIZE = 2047;

    private ProbeKernel() {
    }

    /**
     * Returns the probe image, building it first if the cache does not hold it yet.
     *
     * @return the path of {@code probe.bzImage} in the cache
     * @throws ProbeToolMissingException if {@code as}, {@code ld} or {@code objcopy} is missing
     *         (they come with the Debian package {@code binutils})
     * @throws ProbeBuildException if building fails
     */
    public static Path image() {
        return Catalog.PROBE.get().path();
    }

    /**
     * Returns the command-line word that makes the probe print {@code n} lines and exit with 0.
     *
     * @param n how many {@code probe: flood <i>} lines, 0 for an endless stream
     * @return the word {@code probe.flood=n}
     * @throws IllegalArgumentException if {@code n} is negative or does not fit in 32 bits
     */
    public static String flood(long n) {
        if (n < 0 || n > 0xffff_ffffL) {
            throw new IllegalArgumentException("probe.flood takes 0..4294967295 lines, not " + n);
        }
        return "probe.flood=" + n;
    }

    /**
     * Returns the command-line word that makes the probe write {@code status} to port
     * {@value #EXIT_PORT} right after {@code probe: ready}.
     *
     * @param status the exit status, 0 to 255
     * @return the word {@code probe.exit=status}
     * @throws IllegalArgumentException if {@code status} is not in 0..255
     */
    public static String exit(int status) {
        if (status < 0 || status > 255) {
            throw new IllegalArgumentException("probe.exit takes a status of 0..255, not " + status);
        }
        return "probe.exit=" + status;
    }
}
