package io.github.bootkernel.engine.cli;

import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.report.KernelReport;
import io.github.bootkernel.kernels.initramfs.HostPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The parsed command line of the tool.
 *
 * @param config the machine to boot, with the initrd as given ({@link Initrd} composes the one
 *     booted)
 * @param help whether {@code --help} was given
 * @param exec the shell command line of {@code --exec}, run in the guest through its agent
 * @param puts the {@code --put HOST:GUEST} entries, in order
 * @param consoleLog where {@code --console-log} sends the console
 * @param verbose whether {@code --verbose} shows the console (on stderr) next to a command's output
 * @param failOn the kinds of kernel report of {@code --fail-on} (default: panic)
 * @param kernelLog where {@code --kernel-log} writes the kernel's log, as the agent streams it
 */
record Options(MachineConfig config, boolean help, Optional<String> exec, List<HostPath> puts,
               Optional<Path> consoleLog, boolean verbose, Set<KernelReport.Kind> failOn, Optional<Path> kernelLog) {

    /**
     * Returns whether the tool speaks to the guest agent: for {@code --exec} and for
     * {@code --kernel-log}.
     *
     * @return whether the machine gets the agent's channel
     */
    boolean agent() {
        return exec.isPresent() || kernelLog.isPresent();
    }

    /** {@code --fail-on}'s default. */
    static final Set<KernelReport.Kind> DEFAULT_FAIL_ON = Set.of(KernelReport.Kind.PANIC);

    static final String USAGE = String.join("\n",
            "usage: bootkernel --kernel PATH [--initrd PATH] [--cmdline TEXT]",
            "                  [--memory MIB] [--cpus N] [--timeout SECONDS]",
            "                  [--silence-timeout SECONDS] [--no-default-cmdline]",
            "                  [--exec COMMAND] [--put HOST:GUEST]... [--console-log FILE] [--verbose]",
            "                  [--kernel-log FILE] [--fail-on KINDS]",
            "   or: java -jar bootkernel.jar OPTIONS (the same options; bootkernel is the launcher",
            "       that mvn package writes beside the jar, which starts faster)",
            "",
            "Boots a Linux bzImage in a KVM virtual machine. The serial console goes to stdout,",
            "stdin goes to the guest's serial input (held until the guest's serial driver listens).",
            "With --exec, the tool instead runs COMMAND in the guest and behaves like it: the command's",
            "stdout and stderr become the tool's, its exit status the tool's, and the console goes nowhere",
            "(or to --console-log FILE, or with --verbose to stderr).",
            "",
            "  --kernel PATH          the bzImage to boot (required)",
            "  --initrd PATH          an initrd or initramfs (cpio, optionally compressed); with --exec,",
            "                         --kernel-log or --put and no --initrd, the busybox image of",
            "                         ~/.cache/bootkernel, whose /init starts the guest agent",
            "  --cmdline TEXT         words appended to the default command line:",
            "                         " + MachineConfig.DEFAULT_CMDLINE,
            "  --no-default-cmdline   use --cmdline alone, without the defaults",
            "  --memory MIB           guest RAM, " + MachineConfig.MIN_MEMORY_MIB + " to " + MachineConfig.MAX_MEMORY_MIB
                    + ", default " + MachineConfig.DEFAULT_MEMORY_MIB + "; the host holds only what the guest touches",
            "  --cpus N               vCPUs, " + MachineConfig.MIN_CPUS + " to " + MachineConfig.MAX_CPUS + ", default "
                    + MachineConfig.DEFAULT_CPUS + " (the kernel needs CONFIG_SMP for more than one)",
            "  --timeout SECONDS      stop the guest after this long (exit status 124); default none",
            "  --silence-timeout SECONDS",
            "                         stop the guest once its console has been quiet this long, naming its",
            "                         last line (exit status 121); default none",
            "  --exec COMMAND         run COMMAND with the guest's /bin/sh -c once its agent connects,",
            "                         then stop the guest; stdin is not read",
            "  --put HOST:GUEST       add a host file or directory (with its modes) to the initramfs at",
            "                         GUEST, an absolute path; repeatable",
            "  --console-log FILE     write the console to FILE instead of stdout",
            "  --kernel-log FILE      write the kernel's log to FILE as the guest agent streams it from",
            "                         /dev/kmsg: every record at every level (also what a quiet console",
            "                         hides), as dmesg -r prints it ('<4>[    1.234567] message'), and a",
            "                         '--- N records lost ...' line for records the ring overwrote; needs",
            "                         the agent: the busybox image without --initrd, or an initrd whose",
            "                         /init starts bootkernel-agent; with --exec the guest is stopped once",
            "                         the agent says every record of its kernel has arrived (at most 30 s",
            "                         after the command ended)",
            "  --verbose              with --exec: the console on stderr, and a summary line at the end",
            "  --fail-on KINDS        kinds of kernel report (comma-separated, or none) that make a normal",
            "                         end exit with status " + ExitCodes.KERNEL_REPORT + "; default panic; kinds:",
            "                         " + kindIds(0, 9) + ",",
            "                         " + kindIds(9, KernelReport.Kind.values().length),
            "",
            "SIGINT (Ctrl-C) or SIGTERM stops the guest, prints the summary line and exits with 130 or",
            "143; a second one while the guest stops exits at once. A closed stdin is not read.",
            "Each kernel report (panic, oops, BUG, WARNING, KASAN, hung task, ...) is printed on stderr as",
            "it completes: 'bootkernel: kernel report: KIND: TITLE'.",
            "When stdin is a terminal it is put in raw mode, restored on exit: every key goes to the guest",
            "once, Ctrl-C too, except after Ctrl-A:",
            EscapeKeys.KEYS,
            "",
            "Exit status: the guest's status written to port 0xf4; 0 after a reset or power-off without",
            "one; 2 usage error; " + ExitCodes.KERNEL_REPORT + " the guest (or, with --exec, the command)"
                    + " ended normally but the kernel",
            "printed a report of a --fail-on kind; 121 silent (nothing on the console for",
            "--silence-timeout seconds); 122 guest crash (triple fault, KVM internal error, an exit the",
            "monitor cannot handle); 123 kernel panic or failed boot (initramfs unpacking failed);",
            "124 timeout; 125 monitor error (bad kernel, initrd or command line, KVM unavailable);",
            "130 or 143 stopped by SIGINT (or Ctrl-A x) or SIGTERM.",
            "With --exec: the command's exit status, or 128+N if signal N killed it; 124 if it outlived",
            "--timeout; 126 if the agent could not start it (127: /bin/sh not found); 125 if the guest",
            "ended before its agent connected (the initrd does not start it); if the guest ended while",
            "the command ran, the status of its end as above.");

    static Options parse(List<String> args) throws UsageException {
        Path kernel = null;
        Path initrd = null;
        String cmdline = "";
        boolean defaults = true;
        int memory = MachineConfig.DEFAULT_MEMORY_MIB;
        int cpus = MachineConfig.DEFAULT_CPUS;
        Duration timeout = null;
        Duration silence = null;
        String exec = null;
        List<HostPath> puts = new ArrayList<>();
        Path consoleLog = null;
        Path kernelLog = null;
        boolean verbose = false;
        Set<KernelReport.Kind> failOn = DEFAULT_FAIL_ON;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "-h", "--help" -> {
                    return new Options(null, true, Optional.empty(), List.of(), Optional.empty(), false,
                            DEFAULT_FAIL_ON, Optional.empty());
                }
                case "--kernel" -> kernel = Path.of(value(args, ++i, arg));
                case "--initrd" -> initrd = Path.of(value(args, ++i, arg));
                case "--cmdline" -> cmdline = value(args, ++i, arg);
                case "--no-default-cmdline" -> defaults = false;
                case "--memory" -> memory = number(value(args, ++i, arg), arg, MachineConfig.MIN_MEMORY_MIB,
                        MachineConfig.MAX_MEMORY_MIB);
                case "--cpus" -> cpus = number(value(args, ++i, arg), arg, MachineConfig.MIN_CPUS, MachineConfig.MAX_CPUS);
                case "--timeout" -> timeout = Duration.ofSeconds(number(value(args, ++i, arg), arg, 1, 1_000_000));
                case "--silence-timeout" -> silence = Duration.ofSeconds(number(value(args, ++i, arg), arg, 1,
                        1_000_000));
                case "--exec" -> exec = value(args, ++i, arg);
                case "--put" -> puts.add(put(value(args, ++i, arg)));
                case "--console-log" -> consoleLog = Path.of(value(args, ++i, arg));
                case "--kernel-log" -> kernelLog = Path.of(value(args, ++i, arg));
                case "--verbose" -> verbose = true;
                case "--fail-on" -> failOn = kinds(value(args, ++i, arg));
                default -> throw new UsageException("unknown option " + arg);
            }
        }
        if (kernel == null) {
            throw new UsageException("--kernel is required");
        }
        if (exec != null && exec.isBlank()) {
            throw new UsageException("--exec needs a command");
        }
        if (verbose && exec == null) {
            throw new UsageException("--verbose goes with --exec (without it the console is on stdout already)");
        }
        if (verbose && consoleLog != null) {
            throw new UsageException("--verbose and --console-log both say where the console goes: give one");
        }
        if (kernelLog != null && consoleLog != null && sameFile(kernelLog, consoleLog)) {
            throw new UsageException("--kernel-log and --console-log name the same file " + kernelLog
                    + (kernelLog.equals(consoleLog) ? "" : " (" + consoleLog + ")") + ": give two");
        }
        writable("--console-log", consoleLog);
        writable("--kernel-log", kernelLog);
        MachineConfig.Builder b = MachineConfig.builder(kernel).initrd(initrd).memoryMiB(memory).cpus(cpus)
                .timeout(timeout).silenceTimeout(silence);
        if (defaults) {
            b.appendCmdline(cmdline);
        } else {
            b.cmdline(cmdline);
        }
        return new Options(b.build(), false, Optional.ofNullable(exec), List.copyOf(puts),
                Optional.ofNullable(consoleLog), verbose, failOn, Optional.ofNullable(kernelLog));
    }

    /**
     * Whether two paths name the same file once made absolute and normalised ({@code a/../b} is
     * {@code b}); neither need exist.
     */
    static boolean sameFile(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /**
     * Checks that the tool can create {@code file} of {@code option} (if given) as far as the
     * command line can tell: the path is not a directory, and its directory exists and is one. What
     * only opening it tells (permissions, a full disk) is found when it is opened.
     */
    private static void writable(String option, Path file) throws UsageException {
        if (file == null) {
            return;
        }
        Path absolute = file.toAbsolutePath();
        Path parent = absolute.getParent();
        String why = null;
        if (Files.isDirectory(absolute)) {
            why = "the path is a directory";
        } else if (parent != null && !Files.exists(parent)) {
            why = "its directory " + parent + " does not exist";
        } else if (parent != null && !Files.isDirectory(parent)) {
            why = "its directory " + parent + " is not a directory";
        }
        if (why != null) {
            throw new UsageException(option + " " + file + ": cannot create the file: " + why);
        }
    }

    /** The ids of the kinds from {@code from} to {@code to}, joined by commas. */
    private static String kindIds(int from, int to) {
        return Arrays.stream(KernelReport.Kind.values(), from, to).map(KernelReport.Kind::id)
                .collect(Collectors.joining(", "));
    }

    /** {@code --fail-on}'s value: kind ids separated by commas, or {@code none}. */
    private static Set<KernelReport.Kind> kinds(String text) throws UsageException {
        if (text.strip().equalsIgnoreCase("none")) {
            return Set.of();
        }
        Set<KernelReport.Kind> kinds = EnumSet.noneOf(KernelReport.Kind.class);
        try {
            for (String id : text.split(",")) {
                if (!id.isBlank()) {
                    kinds.add(KernelReport.Kind.of(id));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("--fail-on: " + e.getMessage());
        }
        if (kinds.isEmpty()) {
            throw new UsageException("--fail-on needs kinds separated by commas, or none");
        }
        return Set.copyOf(kinds);
    }

    private static HostPath put(String spec) throws UsageException {
        try {
            return HostPath.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--put " + e.getMessage());
        }
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
