package io.github.bootkernel.engine.cli;

import io.github.bootkernel.engine.MachineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The parsed command line of the tool.
 *
 * @param config the machine to boot
 * @param help whether {@code --help} was given
 */
record Options(MachineConfig config, boolean help) {

    static final String USAGE = String.join("\n",
            "usage: java -jar bootkernel.jar --kernel PATH [--initrd PATH] [--cmdline TEXT]",
            "                                [--memory MIB] [--timeout SECONDS] [--no-default-cmdline]",
            "",
            "Boots a Linux bzImage in a KVM virtual machine. The serial console goes to stdout,",
            "stdin goes to the guest's serial input (held until the guest's serial driver listens).",
            "",
            "  --kernel PATH          the bzImage to boot (required)",
            "  --initrd PATH          an initrd or initramfs (cpio, optionally compressed)",
            "  --cmdline TEXT         words appended to the default command line:",
            "                         " + MachineConfig.DEFAULT_CMDLINE,
            "  --no-default-cmdline   use --cmdline alone, without the defaults",
            "  --memory MIB           guest RAM, default " + MachineConfig.DEFAULT_MEMORY_MIB,
            "  --timeout SECONDS      stop the guest after this long (exit status 124); default none",
            "",
            "SIGINT (Ctrl-C) or SIGTERM stops the guest, prints the summary line and exits with 130 or",
            "143; a second one while the guest stops exits at once. A closed stdin is not read.",
            "When stdin is a terminal it is put in raw mode, restored on exit: every key goes to the guest",
            "once, Ctrl-C too, except after Ctrl-A:",
            EscapeKeys.KEYS,
            "",
            "Exit status: the guest's status written to port 0xf4; 0 after a reset or power-off without",
            "one; 122 guest crash (triple fault, KVM internal error); 123 kernel panic; 124 timeout;",
            "125 monitor error (bad kernel, initrd or command line, KVM unavailable); 2 usage error;",
            "130 or 143 stopped by SIGINT (or Ctrl-A x) or SIGTERM.");

    static Options parse(List<String> args) throws UsageException {
        Path kernel = null;
        Path initrd = null;
        String cmdline = "";
        boolean defaults = true;
        int memory = MachineConfig.DEFAULT_MEMORY_MIB;
        Duration timeout = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "-h", "--help" -> {
                    return new Options(null, true);
                }
                case "--kernel" -> kernel = Path.of(value(args, ++i, arg));
                case "--initrd" -> initrd = Path.of(value(args, ++i, arg));
                case "--cmdline" -> cmdline = value(args, ++i, arg);
                case "--no-default-cmdline" -> defaults = false;
                case "--memory" -> memory = number(value(args, ++i, arg), arg, MachineConfig.MIN_MEMORY_MIB,
                        MachineConfig.MAX_MEMORY_MIB);
                case "--timeout" -> timeout = Duration.ofSeconds(number(value(args, ++i, arg), arg, 1, 1_000_000));
                default -> throw new UsageException("unknown option " + arg);
            }
        }
        if (kernel == null) {
            throw new UsageException("--kernel is required");
        }
        MachineConfig.Builder b = MachineConfig.builder(kernel).initrd(initrd).memoryMiB(memory).timeout(timeout);
        if (defaults) {
            b.appendCmdline(cmdline);
        } else {
            b.cmdline(cmdline);
        }
        return new Options(b.build(), false);
    }

    private static String value(List<String> args, int i, String option) throws UsageException {
        if (i >= args.size()) {
            throw new UsageException(option + " needs a value");
        }
        return args.get(i);
    }

    private static int number(String text, String option, int min, int max) throws UsageException {
        try {
            int n = Integer.parseInt(text);
            if (n < min || n > max) {
                throw new UsageException(option + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a whole number, got '" + text + "'");
        }
    }

    /** A malformed command line. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
