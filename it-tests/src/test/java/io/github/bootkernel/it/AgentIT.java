package io.github.bootkernel.it;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.agent.ExecResult;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import io.github.bootkernel.junit.KernelMatrix;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command channel on real kernels: one guest per kernel (a static field of a kernel matrix),
 * booted with the busybox image (which starts the agent) plus a tool this test builds with
 * {@code gcc -static} and a script, both added through {@code @BootKernel(files = ...)}.
 */
@ExtendWith(StockKernelHost.class)
@KernelMatrix({"debian-cloud", "debian-generic", "tiny"})
class AgentIT {

    /** Where {@link #buildTheTools()} puts what the guest's image gets; relative to the module. */
    static final Path TOOLS = Path.of("target/agent-it");
    private static final Duration FLOOD = Duration.ofMinutes(5);

    @BootKernel(initramfs = "busybox", cmdline = "quiet", execTimeout = 300, timeout = 1200,
            files = {"target/agent-it/hello-tool:/usr/bin/hello-tool", "target/agent-it/greet.sh:/usr/bin/greet"})
    static Guest guest;

    @TempDir
    Path dir;

    /** Runs once before the kernel matrix's runs, so before their guests boot. */
    @BeforeAll
    static void buildTheTools() throws Exception {
        Files.createDirectories(TOOLS);
        Path source = TOOLS.resolve("hello-tool.c");
        try (InputStream c = AgentIT.class.getResourceAsStream("agent/hello-tool.c")) {
            Files.write(source, c.readAllBytes());
        }
        Process gcc = new ProcessBuilder("gcc", "-static", "-Os", "-o", TOOLS.resolve("hello-tool").toString(),
                source.toString()).redirectErrorStream(true).start();
        String output = new String(gcc.getInputStream().readAllBytes());
        assertThat(gcc.waitFor(120, TimeUnit.SECONDS)).as("gcc ends").isTrue();
        assertThat(gcc.exitValue()).as("gcc -static hello-tool.c: %s", output).isZero();
        Files.setAttribute(TOOLS.resolve("hello-tool"), "unix:mode", 0755);
        Path greet = TOOLS.resolve("greet.sh");
        try (InputStream sh = AgentIT.class.getResourceAsStream("agent/greet.sh")) {
            Files.write(greet, sh.readAllBytes());
        }
        Files.setAttribute(greet, "unix:mode", 0750);
    }

    @Test
    void stdoutAndStderrArriveApartWithTheExitStatus() throws InterruptedException {
        long t0 = System.nanoTime();
        ExecResult first = guest.exec("true");
        long firstNanos = System.nanoTime() - t0;
        t0 = System.nanoTime();
        guest.exec("true");
        long roundTrip = System.nanoTime() - t0;
        System.out.printf("agent on %s: first exec(true) %.1f ms (with the agent's connection), then %.1f ms%n",
                guest.kernelName(), firstNanos / 1e6, roundTrip / 1e6);
        assertThat(first).succeeds();

        ExecResult result = guest.sh("echo out-7f3a; echo err-7f3a >&2; exit 7");

        assertThat(result).exitedWith(7);
        assertThat(result).stdout().isEqualTo("out-7f3a\n");
        assertThat(result).stderr().isEqualTo("err-7f3a\n");
        assertThat(guest.console().text()).as("command output stays off the console").doesNotContain("7f3a");
    }

    @Test
    void aCommandKilledByASignalReportsIt() throws InterruptedException {
        ExecResult result = guest.sh("echo before; kill -TERM $$; echo after");

        assertThat(result).wasKilledBy(15).stdout().isEqualTo("before\n");
        assertThat(result.status()).isEqualTo(143);
    }

    @Test
    void aCommandThatOutlivesItsTimeLimitIsKilledAndReported() throws InterruptedException {
        ExecResult result = guest.exec(Exec.shell("echo started; exec sleep 600").timeout(Duration.ofSeconds(3)));

        assertThat(result).timedOut().stdout().isEqualTo("started\n");
        assertThat(result.duration()).as("killed at its limit, not at sleep's end").isLessThan(Duration.ofSeconds(60));
        assertThat(guest.sh("pidof sleep")).as("no sleep left in the guest").exitedWith(1);
        assertThat(guest.exec("true")).as("the channel still serves").succeeds();
    }

    @Test
    void aLargeOutputArrivesComplete() throws Exception {
        int size = floodBytes();
        ExecResult made = guest.sh("head -c " + size + " /dev/urandom > /tmp/flood && sha256sum /tmp/flood");
        assertThat(made).succeeds();
        String guestSum = made.stdout().substring(0, 64);
        long exits = guest.machine().exitCount();

        ExecResult result = guest.exec(Exec.of("cat", "/tmp/flood").timeout(FLOOD));

        double seconds = result.duration().toNanos() / 1e9;
        System.out.printf("agent on %s: %d bytes of stdout in %.2f s (%.0f bytes/s, %.2f VM exits per byte)%n",
                guest.kernelName(), size, seconds, size / seconds,
                (guest.machine().exitCount() - exits) / (double) size);
        assertThat(result).succeeds();
        assertThat(result.stdoutBytes()).hasSize(size);
        assertThat(sha256(result.stdoutBytes())).isEqualTo(guestSum);
    }

    @Test
    void aFileCopiedInAndBackOutIsUnchanged() throws Exception {
        byte[] content = new byte[copyBytes()];
        new Random(9).nextBytes(content);
        Path in = Files.write(dir.resolve("in.bin"), content);
        Files.setAttribute(in, "unix:mode", 0640);

        long t0 = System.nanoTime();
        guest.copyToGuest(in, "/tmp/in.bin");
        long copiedIn = System.nanoTime();
        ExecResult there = guest.sh("sha256sum /tmp/in.bin; stat -c %a /tmp/in.bin");
        long t1 = System.nanoTime();
        guest.copyFromGuest("/tmp/in.bin", dir.resolve("out.bin"));
        System.out.printf("agent on %s: %d bytes in %.2f s, out %.2f s%n", guest.kernelName(), content.length,
                (copiedIn - t0) / 1e9, (System.nanoTime() - t1) / 1e9);

        assertThat(there).succeeds().stdout().isEqualTo(sha256(content) + "  /tmp/in.bin\n640\n");
        assertThat(Files.readAllBytes(dir.resolve("out.bin"))).isEqualTo(content);
    }

    /**
     * 256 KiB on {@code tiny}, 96 KiB on the others: every byte out of the guest is a VM exit
     * (about 1.2 a byte with the 8250 driver), about 50 s for 256 KiB in the nested VM on a quiet
     * day. Each overflows the host's 64 KiB buffer (tiny's four times), so the flow control that
     * holds the guest back is crossed on every kernel.
     */
    private static int floodBytes() {
        return guest.kernelName().equals("tiny") ? 256 << 10 : 96 << 10;
    }

    /**
     * 96 KiB on {@code tiny}, two DATA frames each way; 16 KiB, one frame, on the others. Every
     * byte into the guest costs at least two VM exits (LSR and RBR), about 20 s per 100 KiB in the
     * nested VM on a quiet day, so one kernel carries the copy that spans frames.
     */
    private static int copyBytes() {
        return guest.kernelName().equals("tiny") ? 96 << 10 : 16 << 10;
    }

    @Test
    void twoExecsRunInParallelFromTwoThreads() throws Exception {
        // Each waits until the other has started: they both succeed only if they run at the same time.
        String a = "touch /tmp/a-up; while [ ! -e /tmp/b-up ]; do sleep 1; done; echo a";
        String b = "touch /tmp/b-up; while [ ! -e /tmp/a-up ]; do sleep 1; done; echo b";
        CompletableFuture<ExecResult> first = CompletableFuture.supplyAsync(() -> run(a));
        CompletableFuture<ExecResult> second = CompletableFuture.supplyAsync(() -> run(b));

        assertThat(first.get(3, TimeUnit.MINUTES)).succeeds().stdout().isEqualTo("a\n");
        assertThat(second.get(3, TimeUnit.MINUTES)).succeeds().stdout().isEqualTo("b\n");
    }

    @Test
    void aToolBuiltByTheTestRunsFromTheImage() throws InterruptedException {
        assertThat(guest.exec("hello-tool", "one", "two words")).exitedWith(42)
                .stdout().isEqualTo("hello-tool: one two words\n");
        assertThat(guest.exec("greet")).succeeds().stdout().isEqualTo("greetings from Linux\n");
        assertThat(guest.sh("stat -c %a /usr/bin/greet /usr/bin/hello-tool")).succeeds().stdout()
                .isEqualTo("750\n755\n");
    }

    private static ExecResult run(String commandLine) {
        try {
            return guest.exec(Exec.shell(commandLine).timeout(Duration.ofMinutes(2)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
