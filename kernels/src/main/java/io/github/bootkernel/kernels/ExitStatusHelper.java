package io.github.bootkernel.kernels;

/**
 * The catalog's {@code exit-status} item: a tiny static program for the guest that writes its
 * argument (0 to 255) to I/O port 0xf4, so a test inside the guest can report its verdict to the
 * monitor. Debian's cloud kernel has no {@code /dev/port}, hence a program that calls
 * {@code ioperm} and {@code outb}.
 *
 * <p>The source is {@code kernels/src/main/c/exit-status.c}, compiled and cached as a
 * {@link CompiledHelper}: {@code ~/.cache/bootkernel/exit-status/<hash>/exit-status}.
 */
final class ExitStatusHelper {

    /** The I/O port the helper writes to. */
    static final int PORT = 0xf4;

    /** How the item is produced. */
    static final CompiledHelper RECIPE = new CompiledHelper("exit-status.c", "exit-status", "the exit-status helper");

    private ExitStatusHelper() {
    }

    /**
     * Returns the C source of the helper.
     *
     * @return the source text
     */
    static String source() {
        return RECIPE.source();
    }
}
