package io.github.bootkernel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.report.KernelReport;
import io.github.bootkernel.kernels.initramfs.HostPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsTest {

    private static Options parse(String... args) throws Options.UsageException {
        return Options.parse(List.of(args));
    }

    @Test
    void allOptions() throws Exception {
        Options options = parse("--kernel", "/k/bzImage", "--initrd", "/k/initrd.gz", "--cmdline", "quiet init=/bin/sh",
                "--memory", "512", "--cpus", "4", "--timeout", "30");
        assertThat(options.help()).isFalse();
        MachineConfig config = options.config();
        assertThat(config.kernel()).isEqualTo(Path.of("/k/bzImage"));
        assertThat(config.initrd()).contains(Path.of("/k/initrd.gz"));
        assertThat(config.cmdline()).isEqualTo(MachineConfig.DEFAULT_CMDLINE + " quiet init=/bin/sh");
        assertThat(config.memoryMiB()).isEqualTo(512);
        assertThat(config.cpus()).isEqualTo(4);
        assertThat(config.timeout()).contains(Duration.ofSeconds(30));
    }

    @Test
    void defaults() throws Exception {
        MachineConfig config = parse("--kernel", "bzImage").config();
        assertThat(config.kernel()).isEqualTo(Path.of("bzImage"));
        assertThat(config.initrd()).isEmpty();
        assertThat(config.cmdline()).isEqualTo(MachineConfig.DEFAULT_CMDLINE)
                .isEqualTo("console=ttyS0 reboot=k panic=-1 i8042.noaux i8042.nomux i8042.dumbkbd");
        assertThat(config.memoryMiB()).isEqualTo(MachineConfig.DEFAULT_MEMORY_MIB).isEqualTo(256);
        assertThat(config.cpus()).isEqualTo(MachineConfig.DEFAULT_CPUS).isEqualTo(1);
        assertThat(config.timeout()).isEmpty();
    }

    @Test
    void cmdlineIsAppendedToTheDefaultsStripped() throws Exception {
        assertThat(parse("--kernel", "k", "--cmdline", "  rdinit=/init  ").config().cmdline())
                .isEqualTo(MachineConfig.DEFAULT_CMDLINE + " rdinit=/init");
        assertThat(parse("--kernel", "k", "--cmdline", "   ").config().cmdline())
                .isEqualTo(MachineConfig.DEFAULT_CMDLINE);
    }

    @Test
    void noDefaultCmdlineUsesTheGivenOneAlone() throws Exception {
        assertThat(parse("--no-default-cmdline", "--kernel", "k", "--cmdline", "console=ttyS1").config().cmdline())
                .isEqualTo("console=ttyS1");
        assertThat(parse("--kernel", "k", "--cmdline", "console=ttyS1", "--no-default-cmdline").config().cmdline())
                .as("order does not matter").isEqualTo("console=ttyS1");
        assertThat(parse("--kernel", "k", "--no-default-cmdline").config().cmdline()).isEmpty();
    }

    @Test
    void orderIsFreeAndTheLastValueWins() throws Exception {
        MachineConfig config = parse("--memory", "64", "--kernel", "a", "--memory", "128", "--kernel", "b").config();
        assertThat(config.kernel()).isEqualTo(Path.of("b"));
        assertThat(config.memoryMiB()).isEqualTo(128);
    }

    @Test
    void memoryBounds() throws Exception {
        assertThat(parse("--kernel", "k", "--memory", "16").config().memoryMiB()).isEqualTo(16);
        assertThat(parse("--kernel", "k", "--memory", "65536").config().memoryMiB()).isEqualTo(65536);
        assertUsage("--memory must be between 16 and 65536, got 15", "--kernel", "k", "--memory", "15");
        assertUsage("--memory must be between 16 and 65536, got 65537", "--kernel", "k", "--memory", "65537");
    }

    @Test
    void cpusBounds() throws Exception {
        assertThat(parse("--kernel", "k", "--cpus", "1").config().cpus()).isEqualTo(1);
        assertThat(parse("--kernel", "k", "--cpus", "64").config().cpus()).isEqualTo(64);
        assertUsage("--cpus must be between 1 and 64, got 0", "--kernel", "k", "--cpus", "0");
        assertUsage("--cpus must be between 1 and 64, got 65", "--kernel", "k", "--cpus", "65");
        assertUsage("--cpus needs a whole number, got 'two'", "--kernel", "k", "--cpus", "two");
        assertUsage("--cpus needs a value", "--kernel", "k", "--cpus");
    }

    @Test
    void timeoutBounds() throws Exception {
        assertThat(parse("--kernel", "k", "--timeout", "1").config().timeout()).contains(Duration.ofSeconds(1));
        assertUsage("--timeout must be between 1 and 1000000, got 0", "--kernel", "k", "--timeout", "0");
        assertUsage("--timeout must be between 1 and 1000000, got -5", "--kernel", "k", "--timeout", "-5");
    }

    @Test
    void badNumbers() {
        assertUsage("--memory needs a whole number, got 'lots'", "--kernel", "k", "--memory", "lots");
        assertUsage("--memory needs a whole number, got '1.5'", "--kernel", "k", "--memory", "1.5");
        assertUsage("--timeout needs a whole number, got '10s'", "--kernel", "k", "--timeout", "10s");
        assertUsage("--memory needs a whole number, got '99999999999'", "--kernel", "k", "--memory", "99999999999");
        assertUsage("--memory needs a whole number, got ''", "--kernel", "k", "--memory", "");
    }

    @Test
    void missingKernel() {
        assertUsage("--kernel is required");
        assertUsage("--kernel is required", "--memory", "64");
    }

    @Test
    void missingValue() {
        assertUsage("--kernel needs a value", "--kernel");
        assertUsage("--initrd needs a value", "--kernel", "k", "--initrd");
        assertUsage("--cmdline needs a value", "--kernel", "k", "--cmdline");
        assertUsage("--memory needs a value", "--kernel", "k", "--memory");
        assertUsage("--timeout needs a value", "--kernel", "k", "--timeout");
    }

    @Test
    void unknownOption() {
        assertUsage("unknown option --bogus", "--kernel", "k", "--bogus");
        assertUsage("unknown option -k", "-k", "bzImage");
        assertUsage("unknown option stray", "--kernel", "k", "stray");
    }

    @Test
    void help() throws Exception {
        assertThat(parse("--help").help()).isTrue();
        assertThat(parse("-h").help()).isTrue();
        assertThat(parse("--kernel", "k", "--help").help()).isTrue();
        assertThat(parse("--help").config()).isNull();
        assertThat(parse("--help", "--bogus").help()).as("help wins over later errors").isTrue();
    }

    @Test
    void silenceTimeout() throws Exception {
        assertThat(parse("--kernel", "k").config().silenceTimeout()).isEmpty();
        assertThat(parse("--kernel", "k", "--silence-timeout", "30").config().silenceTimeout())
                .contains(Duration.ofSeconds(30));
        assertUsage("--silence-timeout must be between 1 and 1000000, got 0", "--kernel", "k", "--silence-timeout", "0");
        assertUsage("--silence-timeout needs a value", "--kernel", "k", "--silence-timeout");
        assertThat(Options.USAGE).contains("--silence-timeout SECONDS", "121");
    }

    @Test
    void usageTextNamesEveryOptionAndTheDefaults() {
        assertThat(Options.USAGE).contains("--kernel", "--initrd", "--cmdline", "--no-default-cmdline", "--memory",
                "--cpus", "--timeout", MachineConfig.DEFAULT_CMDLINE, "122", "123", "124", "125");
        assertThat(Options.USAGE).contains("--exec COMMAND", "--put HOST:GUEST", "--console-log FILE", "--verbose",
                "128+N", "126", "127");
    }

    @Test
    void execPutConsoleLogAndVerbose() throws Exception {
        Options options = parse("--kernel", "k", "--exec", "uname -r; dmesg | tail",
                "--put", "target/tool:/usr/bin/tool", "--put", "data:/data", "--verbose");
        assertThat(options.exec()).contains("uname -r; dmesg | tail");
        assertThat(options.puts()).containsExactly(new HostPath(Path.of("target/tool"), "/usr/bin/tool"),
                new HostPath(Path.of("data"), "/data"));
        assertThat(options.verbose()).isTrue();
        assertThat(options.consoleLog()).isEmpty();
        assertThat(options.config().initrd()).as("composed later, by Initrd").isEmpty();

        assertThat(parse("--kernel", "k", "--exec", "true", "--console-log", "/tmp/console.txt").consoleLog())
                .contains(Path.of("/tmp/console.txt"));
        assertThat(parse("--kernel", "k", "--console-log", "c.txt").consoleLog()).as("also without --exec")
                .contains(Path.of("c.txt"));
        Options plain = parse("--kernel", "k");
        assertThat(plain.exec()).isEmpty();
        assertThat(plain.puts()).isEmpty();
        assertThat(plain.verbose()).isFalse();
    }

    @Test
    void kernelLogTurnsTheAgentOn() throws Exception {
        Options options = parse("--kernel", "k", "--kernel-log", "kmsg.log");
        assertThat(options.kernelLog()).contains(Path.of("kmsg.log"));
        assertThat(options.agent()).as("the agent streams the kernel log").isTrue();
        assertThat(options.exec()).isEmpty();
        assertThat(parse("--kernel", "k", "--exec", "true").agent()).isTrue();
        assertThat(parse("--kernel", "k").agent()).isFalse();
        assertThat(parse("--kernel", "k").kernelLog()).isEmpty();
        assertUsage("--kernel-log needs a value", "--kernel", "k", "--kernel-log");
        assertUsage("--kernel-log and --console-log name the same file same.log: give two", "--kernel", "k",
                "--kernel-log", "same.log", "--console-log", "same.log");
        assertThat(Options.USAGE).contains("[--kernel-log FILE]", "--kernel-log FILE      write the kernel's log",
                "dmesg -r", "records lost");
    }

    @Test
    void usageSaysWhichOptionsBootTheBusyboxImageWithoutInitrd() {
        // As Initrd.of does: --exec, --kernel-log (the agent) and --put need an image.
        assertThat(Options.USAGE.replaceAll("\\s+", " ")).contains("with --exec, --kernel-log or --put and no"
                + " --initrd, the busybox image of ~/.cache/bootkernel");
    }

    @Test
    void theTwoLogsMayNotNameTheSameFileHoweverSpelt() throws Exception {
        assertUsage("--kernel-log and --console-log name the same file /tmp/k.txt (/tmp/../tmp/k.txt): give two",
                "--kernel", "k", "--kernel-log", "/tmp/k.txt", "--console-log", "/tmp/../tmp/k.txt");
        Path here = Path.of("k.txt").toAbsolutePath();
        assertUsage("--kernel-log and --console-log name the same file ./k.txt (" + here + "): give two",
                "--kernel", "k", "--kernel-log", "./k.txt", "--console-log", here.toString());
        assertThat(parse("--kernel", "k", "--kernel-log", "/tmp/k.txt", "--console-log", "/tmp/c.txt").kernelLog())
                .contains(Path.of("/tmp/k.txt"));
    }

    @Test
    void aLogFileThatCannotBeCreatedIsAUsageError(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("no-such-dir/klog.txt");
        Path file = Files.writeString(dir.resolve("file"), "");
        for (String option : List.of("--kernel-log", "--console-log")) {
            assertUsage(option + " " + missing + ": cannot create the file: its directory " + missing.getParent()
                    + " does not exist", "--kernel", "k", option, missing.toString());
            assertUsage(option + " " + dir + ": cannot create the file: the path is a directory",
                    "--kernel", "k", option, dir.toString());
            assertUsage(option + " " + file.resolve("x") + ": cannot create the file: its directory " + file
                    + " is not a directory", "--kernel", "k", option, file.resolve("x").toString());
        }
        assertThat(parse("--kernel", "k", "--kernel-log", dir.resolve("new.txt").toString()).kernelLog())
                .as("a file yet to be made").contains(dir.resolve("new.txt"));
        assertThat(dir.resolve("new.txt")).as("checking does not create it").doesNotExist();
    }

    @Test
    void failOnTakesKindIdsOrNone() throws Exception {
        assertThat(parse("--kernel", "k").failOn()).containsExactly(KernelReport.Kind.PANIC);
        assertThat(parse("--kernel", "k", "--fail-on", "oops, kasan,hung-task").failOn())
                .containsExactlyInAnyOrder(KernelReport.Kind.OOPS, KernelReport.Kind.KASAN, KernelReport.Kind.HUNG_TASK);
        assertThat(parse("--kernel", "k", "--fail-on", "none").failOn()).isEmpty();
        assertUsage("--fail-on needs a value", "--kernel", "k", "--fail-on");
        assertUsage("--fail-on needs kinds separated by commas, or none", "--kernel", "k", "--fail-on", ",");
        assertThatThrownBy(() -> parse("--kernel", "k", "--fail-on", "panic,oopsie"))
                .hasMessageStartingWith("--fail-on: no kernel report kind 'oopsie'; the kinds are panic, oops,");
        assertThat(Options.USAGE).contains("--fail-on KINDS", "120", "hung-task", "oom-kill");
    }

    @Test
    void execPutConsoleLogAndVerboseMisuse() {
        assertUsage("--exec needs a value", "--kernel", "k", "--exec");
        assertUsage("--exec needs a command", "--kernel", "k", "--exec", " ");
        assertUsage("--put needs a value", "--kernel", "k", "--put");
        assertUsage("--put 'tool' is not HOST:GUEST (a host path, a colon and an absolute guest path, for example"
                + " target/mytool:/usr/bin/mytool)", "--kernel", "k", "--put", "tool");
        assertUsage("--console-log needs a value", "--kernel", "k", "--console-log");
        assertUsage("--verbose goes with --exec (without it the console is on stdout already)", "--kernel", "k",
                "--verbose");
        assertUsage("--verbose and --console-log both say where the console goes: give one", "--kernel", "k",
                "--exec", "true", "--verbose", "--console-log", "c.txt");
    }

    private static void assertUsage(String message, String... args) {
        assertThatThrownBy(() -> parse(args))
                .isInstanceOf(Options.UsageException.class)
                .hasMessage(message);
    }
}
