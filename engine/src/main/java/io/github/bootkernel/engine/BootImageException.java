package io.github.bootkernel.engine;

import java.nio.file.Path;

/**
 * A kernel image, initrd or command line the monitor cannot boot. The message names the input and
 * the reason, e.g. {@code kernel /tmp/x: not a bzImage (no "HdrS" magic at 0x202)}. The rules
 * checked are those of the Linux x86 boot protocol ({@code Documentation/arch/x86/boot.rst}).
 */
public final class BootImageException extends EngineException {

    private static final long serialVersionUID = 1L;

    private final String input;

    /**
     * @param what the kind of input: {@code kernel}, {@code initrd}, {@code command line}
     * @param file the file, or null when the input is not a file
     * @param reason why it cannot be booted
     */
    public BootImageException(String what, Path file, String reason) {
        this(what, file, reason, null);
    }

    /**
     * @param what the kind of input
     * @param file the file, or null
     * @param reason why it cannot be booted
     * @param cause the underlying failure, may be null
     */
    public BootImageException(String what, Path file, String reason, Throwable cause) {
        super(what + (file == null ? "" : " " + file) + ": " + reason, cause);
        this.input = file == null ? what : file.toString();
    }

    /** @return the offending input: a path, or the kind of input */
    public String input() {
        return input;
    }
}
