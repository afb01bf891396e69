package io.github.bootkernel.junit;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.test;

import io.github.bootkernel.engine.AgentException;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.agent.ExecListener;
import io.github.bootkernel.engine.agent.ExecResult;
import io.github.bootkernel.kernels.probe.ProbeKernel;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command API of {@link Guest} over a fake agent (what it sends, its time limits, how it
 * reports failures), and on probe guests, which have no agent: they refuse at once.
 */
class GuestExecTest {

    private static final Duration LIMIT = Duration.ofSeconds(42);

    @TempDir
    Path dir;

    private Machine machine;

    private Guest guest(FakeAgent agent) throws InterruptedException {
        machine = Machine.start(MachineConfig.builder(ProbeKernel.image()).appendCmdline("probe.hlt").memoryMiB(32)
                .build());
        machine.console().awaitLine(Pattern.compile("probe: ready"), Duration.ofSeconds(30)).orElseThrow();
        return new Guest(machine, agent, "probe", "a test's guest", LIMIT);
    }

    @AfterEach
    void close() {
        if (machine != null) {
            machine.close();
        }
    }

    @Test
    void execSendsTheArgvAndShTheShellEachWithTheGuestsTimeLimit() throws InterruptedException {
        FakeAgent agent = new FakeAgent();
        Guest guest = guest(agent);

        ExecResult uname = guest.exec("uname", "-r");
        guest.sh("echo a | wc -c");

        assertThat(agent.execs).extracting(Exec::command)
                .containsExactly(List.of("uname", "-r"), List.of("/bin/sh", "-c", "echo a | wc -c"));
        assertThat(agent.execs).extracting(Exec::timeout).containsOnly(LIMIT);
        assertThat(guest.execTimeout()).isEqualTo(LIMIT);
        assertThat(uname).succeeds().stdout().isEqualTo("uname -r\n");
    }

    @Test
    void aRequestsOwnTimeLimitWinsAndTheDefaultOneIsReplaced() throws InterruptedException {
        FakeAgent agent = new FakeAgent();
        Guest guest = guest(agent);

        guest.exec(Exec.of("true").timeout(Duration.ofSeconds(3)));
        guest.exec(Exec.of("true").env("A", "b").workdir("/tmp"));

        assertThat(agent.execs).extracting(Exec::timeout).containsExactly(Duration.ofSeconds(3), LIMIT);
        assertThat(agent.execs.get(1).env()).isEqualTo(Map.of("A", "b"));
        assertThat(agent.execs.get(1).workdir()).contains("/tmp");
    }

    @Test
    void startStreamsAndItsResultsKnowTheirGuest() throws InterruptedException {
        FakeAgent agent = new FakeAgent();
        Guest guest = guest(agent);
        List<String> chunks = new CopyOnWriteArrayList<>();

        ExecResult result = guest.start(Exec.of("date"), new ExecListener() {
            @Override
            public void stdout(byte[] chunk) {
                chunks.add(new String(chunk, StandardCharsets.UTF_8));
            }
        }).await(Duration.ofSeconds(1)).orElseThrow();

        assertThat(chunks).containsExactly("date\n");
        assertThat(agent.execs).extracting(Exec::timeout).containsExactly(LIMIT);
        assertThat(ExecOrigins.guestOf(result)).containsSame(guest);
    }

    @Test
    void copiesKeepTheHostModeByDefaultAndUseTheGuestsLimits() throws Exception {
        FakeAgent agent = new FakeAgent();
        Guest guest = guest(agent);
        Path tool = Files.write(dir.resolve("tool"), new byte[] {1});
        Files.setAttribute(tool, "unix:mode", 0750);

        guest.copyToGuest(tool, "/usr/bin/tool");
        guest.copyToGuest(tool, "/data", 0600);
        guest.copyFromGuest("/proc/version", dir.resolve("version"));
        guest.copyFromGuest("/big", dir.resolve("big"), 1 << 30);

        assertThat(agent.copies).containsExactly("to tool /usr/bin/tool 0750 PT42S", "to tool /data 0600 PT42S",
                "from /proc/version version 67108864 PT42S", "from /big big 1073741824 PT42S");
    }

    @Test
    void aFileLargerThanTheBoundIsRefusedBeforeAnythingIsSent() throws Exception {
        FakeAgent agent = new FakeAgent();
        Guest guest = guest(agent);
        Path big = dir.resolve("big");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(Guest.MAX_COPY_BYTES + 1); // sparse
        }

        assertThatThrownBy(() -> guest.copyToGuest(big, "/big"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot copy " + big + " to /big in " + guest + ": it has 67108865 bytes, more than the"
                        + " 67108864 a copy may have");
        assertThat(agent.copies).isEmpty();
    }

    @Test
    void aGuestThatEndedFailsTheRequestWithItsConsoleTail() throws InterruptedException {
        AgentException ended = new AgentException(AgentException.Reason.GUEST_ENDED,
                "cannot run 'true': the guest ended: exit status 3", 0, null);
        Guest guest = guest(new FakeAgent(ended));

        assertThatThrownBy(() -> guest.exec("true"))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.reason()).isEqualTo(AgentException.Reason.GUEST_ENDED);
                    assertThat(e.getCause()).isSameAs(ended);
                })
                .hasMessageStartingWith(guest + ": cannot run 'true': the guest ended: exit status 3\n\n")
                .hasMessageContaining("  | probe: ");
    }

    @Test
    void aRefusedRequestKeepsItsErrnoWithoutTheConsole() throws Exception {
        AgentException refused = new AgentException(AgentException.Reason.REQUEST_FAILED,
                "cannot copy x to /nope/x: ENOENT (No such file or directory)", 2, null);
        Guest guest = guest(new FakeAgent(refused));

        assertThatThrownBy(() -> guest.copyToGuest(Files.write(dir.resolve("x"), new byte[0]), "/nope/x"))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.errno()).hasValue(2))
                .hasMessage(guest + ": cannot copy x to /nope/x: ENOENT (No such file or directory)");
    }

    @Test
    void aProbeGuestHasNoAgentAndSaysHowToGetOne() {
        ProbeFixture.failures.clear();
        TestKit.run(ProbeFixture.class).testEvents()
                .assertThatEvents().haveExactly(1, event(test("refusesAtOnce"), finishedSuccessfully()));

        assertThat(ProbeFixture.failures).hasSize(1);
        AgentException e = ProbeFixture.failures.values().iterator().next();
        assertThat(e.reason()).isEqualTo(AgentException.Reason.NO_AGENT);
        assertThat(e).hasMessageStartingWith("cannot run 'uname -r': guest 'parameter #0 of "
                + ProbeFixture.class.getName() + ".refusesAtOnce(Guest)' (kernel probe) has no guest agent (it booted"
                + " no initramfs); boot it with @BootKernel(initramfs = \"busybox\"), whose /init starts bootkernel-agent")
                .hasCauseInstanceOf(AgentException.class);
        assertThat(ProbeFixture.took).isLessThan(Duration.ofSeconds(5));
        assertThat(ProbeFixture.execTimeout).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void theTimeLimitComesFromTheAnnotationElseTheConfigurationElse60Seconds() {
        Limits.seen.clear();
        TestKit.run(Limits.class).testEvents().assertStatistics(s -> s.succeeded(2));
        assertThat(Limits.seen).containsEntry("annotated", Duration.ofSeconds(5))
                .containsEntry("configured", Duration.ofSeconds(60));

        Limits.seen.clear();
        TestKit.run(Limits.class, Settings.EXEC_TIMEOUT, "9").testEvents().assertStatistics(s -> s.succeeded(2));
        assertThat(Limits.seen).containsEntry("annotated", Duration.ofSeconds(5))
                .containsEntry("configured", Duration.ofSeconds(9));
    }

    @TestKitOnly
    static class ProbeFixture {
        static final Map<String, AgentException> failures = new ConcurrentHashMap<>();
        static Duration took;
        static Duration execTimeout;

        @org.junit.jupiter.api.Test
        void refusesAtOnce(@BootKernel(kernel = "probe", cmdline = "probe.hlt", execTimeout = 7) Guest guest)
                throws InterruptedException {
            execTimeout = guest.execTimeout();
            long t0 = System.nanoTime();
            try {
                guest.exec("uname", "-r");
            } catch (AgentException e) {
                failures.put("exec", e);
            }
            took = Duration.ofNanos(System.nanoTime() - t0);
        }
    }

    @TestKitOnly
    static class Limits {
        static final Map<String, Duration> seen = new ConcurrentHashMap<>();

        @org.junit.jupiter.api.Test
        void annotated(@BootKernel(kernel = "probe", cmdline = "probe.hlt", execTimeout = 5) Guest guest) {
            seen.put("annotated", guest.execTimeout());
        }

        @org.junit.jupiter.api.Test
        void configured(@BootKernel(kernel = "probe", cmdline = "probe.hlt") Guest guest) {
            seen.put("configured", guest.execTimeout());
        }
    }
}
