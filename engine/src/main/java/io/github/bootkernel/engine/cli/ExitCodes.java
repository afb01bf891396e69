package io.github.bootkernel.engine.cli;

import io.github.bootkernel.engine.GuestExit;

/**
 * The command-line tool's exit statuses. A guest's own status (0-255, through port 0xf4) is passed
 * through unchanged, so it can collide with the reserved values below (and with 130 and 143, the
 * statuses after SIGINT and SIGTERM); guests that need to tell them apart should avoid 2, 120-125,
 * 130 and 143.
 */
public final class ExitCodes {

    /** The guest reset or powered off without reporting a status. */
    public static final int CLEAN = 0;
    /**
     * The guest (or, with {@code --exec}, the command) ended normally, but the kernel printed a
     * report of a kind named by {@code --fail-on} (default: panic) before the end.
     */
    public static final int KERNEL_REPORT = 120;
    /** The command line was malformed. */
    public static final int USAGE = 2;
    /**
     * The guest crashed: triple fault, KVM internal error, failed entry, or a VM exit the monitor
     * has no handling for.
     */
    public static final int GUEST_CRASH = 122;
    /**
     * The guest printed nothing on its console for {@code --silence-timeout} seconds
     * ({@link GuestExit.Kind#SILENT}).
     */
    public static final int SILENT = 121;
    /** The kernel panicked, or said its boot failed ({@code Initramfs unpacking failed}) before it ended. */
    public static final int PANIC = 123;
    /** The time limit expired. */
    public static final int TIMEOUT = 124;
    /**
     * The monitor failed: bad kernel, initrd or command line, KVM unavailable (including a native
     * library that cannot be loaded), or an internal error.
     */
    public static final int VMM_ERROR = 125;

    private ExitCodes() {
    }

    /**
     * Maps how a guest ended to the process's exit status.
     *
     * @param exit how the guest ended
     * @return the exit status
     */
    public static int of(GuestExit exit) {
        return switch (exit.kind()) {
            case EXIT_STATUS -> exit.status();
            case RESET, POWEROFF, STOPPED -> CLEAN;
            case PANIC, BOOT_FAILED -> PANIC;
            case TRIPLE_FAULT, INTERNAL_ERROR, FAIL_ENTRY, UNHANDLED_EXIT -> GUEST_CRASH;
            case TIMEOUT -> TIMEOUT;
            case SILENT -> SILENT;
            case VMM_ERROR -> VMM_ERROR;
        };
    }
}
