package io.github.bootkernel.engine.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.AgentException;
import io.github.bootkernel.engine.AgentException.Reason;
import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.agent.ExecListener;
import io.github.bootkernel.engine.agent.Execution;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The channel as a whole: the handshake (the agent speaks first), waiting for it within each
 * request's limit, and every way the channel ends — {@code end(why)}, the end of the agent's
 * stream, a corrupt frame, a frame no request expects, FATAL, no common version, {@code close()} —
 * each failing what is in flight at once and what comes later at once, with the cause named. A
 * restart of the agent (a new HELLO) fails what was in flight and the channel goes on.
 */
@Timeout(60)
class AgentClientChannelTest {

    /** Every wait below has a 60 s limit: ending within this proves it ended with the channel. */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    private final FakeAgent agent = new FakeAgent();
    private final AgentClient client = agent.client();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    @TempDir
    Path dir;

    @AfterEach
    void close() {
        client.close();
        agent.close();
        pool.shutdownNow();
    }

    @Test
    void theHostSpeaksOnlyAfterTheAgentsHelloAndAnswersWelcome() throws Exception {
        assertThat(client.isConnected()).isFalse();
        assertThatThrownBy(() -> client.exec(Exec.of("true").timeout(Duration.ofMillis(200))))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_CONNECTED))
                .hasMessage("cannot run 'true': the agent on the fake agent did not connect within 200 ms (no HELLO on"
                        + " its channel)");
        assertThatThrownBy(() -> client.awaitConnected(Duration.ofMillis(50)))
                .hasMessageContaining("cannot wait for the agent: the agent on the fake agent did not connect within 50 ms");
        assertThat(agent.toAgent.buffered()).isZero();
        assertThat(agent.received).isEmpty();

        Future<String> early = pool.submit(() -> client.exec(Exec.of("echo", "early")).stdout());
        Thread.sleep(100);
        agent.hello();
        assertThat(early.get(5, TimeUnit.SECONDS)).isEqualTo("early\n");
        assertThat(client.isConnected()).isTrue();
        Frame welcome = agent.received.get(0);
        assertThat(welcome.type()).isEqualTo(FrameType.WELCOME);
        assertThat(Payloads.Welcome.decode(welcome.payload())).isEqualTo(new Payloads.Welcome(2, 65536));
    }

    @Test
    void theHighestVersionBothSpeakIsChosen() throws Exception {
        agent.hello(2, 7, Frame.MAX_PAYLOAD);
        client.awaitConnected(Duration.ofSeconds(5));
        Frame welcome = agent.await(FrameType.WELCOME);

        assertThat(Payloads.Welcome.decode(welcome.payload())).isEqualTo(new Payloads.Welcome(3, 65536));
        assertThat(client.exec(Exec.of("true")).exitCode()).hasValue(0);
        assertThat(agent.received).extracting(Frame::type).doesNotContain(FrameType.RESEED);
    }

    @Test
    void aVersion1AgentIsRefused() throws Exception {
        Future<?> waiting = pool.submit(() -> {
            client.awaitConnected(Duration.ofSeconds(60));
            return null;
        });
        agent.hello(1, 1, Frame.MAX_PAYLOAD);
        assertFailsPromptly(waiting, Reason.CHANNEL_BROKEN, "cannot wait for the agent: no protocol version in common:"
                + " the agent on the fake agent (\"fake-agent 1\") speaks versions 1 to 1, the host 2 to 3");
    }

    @Test
    void anAgentWithNoVersionInCommonIsNotAnsweredAndTheChannelEnds() throws Exception {
        Future<?> waiting = pool.submit(() -> {
            client.awaitConnected(Duration.ofSeconds(60));
            return null;
        });
        agent.hello(4, 5, Frame.MAX_PAYLOAD);
        assertFailsPromptly(waiting, Reason.CHANNEL_BROKEN, "cannot wait for the agent: no protocol version in common:"
                + " the agent on the fake agent (\"fake-agent 1\") speaks versions 4 to 5, the host 2 to 3");
        Thread.sleep(100);
        assertThat(agent.received).isEmpty();
    }

    @Test
    void endFailsEverythingInFlightAndLaterWithTheGuestsEnd() throws Exception {
        agent.hello();
        List<Future<?>> inFlight = inFlight();
        client.end("the guest ended (exit status 3)");
        for (Future<?> f : inFlight) {
            assertFailsPromptly(f, Reason.GUEST_ENDED, ": the guest ended (exit status 3)");
        }
        assertThat(client.isConnected()).isFalse();
        assertThatThrownBy(() -> client.exec(Exec.of("true"))).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.GUEST_ENDED))
                .hasMessage("cannot run 'true': the guest ended (exit status 3)");
        assertThatThrownBy(() -> client.awaitConnected(Duration.ofSeconds(60)))
                .hasMessage("cannot wait for the agent: the guest ended (exit status 3)");
        client.end("a second end changes nothing");
        assertThatThrownBy(() -> client.exec(Exec.of("true"))).hasMessageEndingWith("(exit status 3)");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file is left").containsExactly("in");
        }
    }

    @Test
    void endWhileWaitingForTheAgentEndsTheWait() throws Exception {
        Future<?> waiting = pool.submit(() -> client.exec(Exec.of("true")));
        Thread.sleep(100);
        client.end("the guest ended (kernel panic)");
        assertFailsPromptly(waiting, Reason.GUEST_ENDED, "cannot run 'true': the guest ended (kernel panic)");
    }

    @Test
    void theEndOfTheAgentsStreamEndsTheChannel() throws Exception {
        agent.hello();
        List<Future<?>> inFlight = inFlight();
        agent.closeOutput();
        for (Future<?> f : inFlight) {
            assertFailsPromptly(f, Reason.GUEST_ENDED, ": the channel to the agent on the fake agent ended (end of its"
                    + " stream at offset ");
        }
    }

    @Test
    void aStreamThatEndsInsideAFrameBreaksTheChannel() throws Exception {
        agent.hello();
        Future<?> sleeping = sleeping();
        byte[] frame = Frame.of(FrameType.STDOUT, 1, new byte[10]).encode(Frame.MAX_PAYLOAD);
        agent.sendRaw(java.util.Arrays.copyOf(frame, 15));
        agent.closeOutput();
        assertFailsPromptly(sleeping, Reason.CHANNEL_BROKEN, "cannot run 'sleep': the channel to the agent on the fake"
                + " agent broke: bad frame at stream offset 58 (type 0x12 STDOUT, request 1): the stream ended inside the"
                + " payload after 3 of 10 bytes");
    }

    @Test
    void aCorruptFrameBreaksTheChannelNamingTheFrame() throws Exception {
        agent.hello();
        List<Future<?>> inFlight = inFlight();
        byte[] bad = Frame.of(FrameType.STDOUT, 1, "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encode(Frame.MAX_PAYLOAD);
        bad[13] ^= 1;
        agent.sendRaw(bad);
        for (Future<?> f : inFlight) {
            assertFailsPromptly(f, Reason.CHANNEL_BROKEN, ": the channel to the agent on the fake agent broke: bad frame"
                    + " at stream offset ");
        }
        AgentException later = catchAgentException(() -> client.exec(Exec.of("true")));
        assertThat(later.getMessage()).matches("cannot run 'true': the channel to the agent on the fake agent broke:"
                + " bad frame at stream offset \\d+ \\(type 0x12 STDOUT, request 1\\): bad CRC-32: the frame says"
                + " 0x\\p{XDigit}{8}, its bytes give 0x\\p{XDigit}{8}");
        assertThat(later.getCause()).isNull();
    }

    @Test
    void aFrameForNoRequestBreaksTheChannel() throws Exception {
        agent.hello();
        client.exec(Exec.of("true"));
        agent.send(FrameType.STDOUT, 99, new byte[1]);
        assertThat(failureOfNext().getMessage()).matches("cannot run 'true': the channel to the agent on the fake agent"
                + " broke: bad frame at stream offset \\d+ \\(type 0x12 STDOUT, request 99\\): no request 99 is in flight");
    }

    @Test
    void aFrameItsRequestDoesNotExpectBreaksTheChannel() throws Exception {
        agent.hello();
        agent.manual(FrameType.EXEC);
        Future<?> exec = pool.submit(() -> client.exec(Exec.of("true")));
        Frame request = agent.await(FrameType.EXEC);
        agent.send(FrameType.STDOUT, request.requestId(), new byte[1]);
        assertFailsPromptly(exec, Reason.CHANNEL_BROKEN, "(type 0x12 STDOUT, request " + request.requestId()
                + "): STDOUT before STARTED");

        FakeAgent other = new FakeAgent();
        try (AgentClient second = other.client()) {
            other.hello();
            other.manual(FrameType.EXEC);
            Future<?> next = pool.submit(() -> second.exec(Exec.of("true")));
            Frame r = other.await(FrameType.EXEC);
            other.send(FrameType.FILE, r.requestId(), new Payloads.FileInfo(0644, 1).encode());
            assertFailsPromptly(next, Reason.CHANNEL_BROKEN, "FILE is not an answer to EXEC");
        } finally {
            other.close();
        }
    }

    @Test
    void aPayloadThatDoesNotParseBreaksTheChannel() throws Exception {
        agent.hello();
        agent.manual(FrameType.EXEC);
        Future<?> exec = pool.submit(() -> client.exec(Exec.of("true")));
        Frame request = agent.await(FrameType.EXEC);
        agent.send(FrameType.STARTED, request.requestId(), new byte[3]);
        assertFailsPromptly(exec, Reason.CHANNEL_BROKEN, "(type 0x11 STARTED, request " + request.requestId()
                + "): its payload does not parse: the payload ends inside a u32 at byte 0: it needs 4 bytes, 3 are left");
    }

    @Test
    void theAgentsFatalBreaksTheChannelWithItsMessage() throws Exception {
        agent.hello();
        List<Future<?>> inFlight = inFlight();
        agent.send(FrameType.FATAL, 0, new Payloads.Fatal("unknown frame type 0x77").encode());
        for (Future<?> f : inFlight) {
            assertFailsPromptly(f, Reason.CHANNEL_BROKEN, ": the agent on the fake agent gave up the channel: FATAL"
                    + " \"unknown frame type 0x77\" (FATAL frame at stream offset ");
        }
    }

    @Test
    void aNewHelloFailsWhatWasInFlightAndTheChannelGoesOn() throws Exception {
        agent.hello();
        Future<?> sleeping = sleeping();
        agent.hello();
        assertFailsPromptly(sleeping, Reason.CHANNEL_BROKEN, "cannot run 'sleep': the agent on the fake agent restarted"
                + " (a new HELLO frame at stream offset ");
        assertThat(client.exec(Exec.of("echo", "again")).stdout()).isEqualTo("again\n");
        assertThat(agent.received.stream().filter(f -> f.type() == FrameType.WELCOME)).hasSize(2);
    }

    @Test
    void closeEndsEverythingAndLeavesNoThread() throws Exception {
        agent.hello();
        List<Future<?>> inFlight = inFlight();
        List<Thread> threads = agentThreads();
        assertThat(threads).extracting(Thread::getName).anyMatch(n -> n.startsWith("bootkernel-agent-reader-"))
                .anyMatch(n -> n.startsWith("bootkernel-agent-writer-")).anyMatch(n -> n.startsWith("bootkernel-agent-timer-"));
        client.close();
        for (Future<?> f : inFlight) {
            assertFailsPromptly(f, Reason.GUEST_ENDED, ": the connection to the agent on the fake agent was closed");
        }
        for (Thread t : threads) {
            t.join(5000);
            assertThat(t.isAlive()).as(t.getName()).isFalse();
        }
        client.close();
        assertThatThrownBy(() -> client.exec(Exec.of("true"))).hasMessageEndingWith("was closed");
    }

    @Test
    void aCopyToAnAgentThatStopsReadingEndsAtItsLimitAndCloseStopsTheBlockedWriter() throws Exception {
        Set<Thread> before = new HashSet<>(agentThreads());
        FakeAgent deaf = new FakeAgent(1024);
        AgentClient stuck = deaf.client();
        List<Thread> mine = new ArrayList<>();
        try {
            deaf.deafAfter(FrameType.PUT);
            deaf.hello();
            Path host = Files.write(dir.resolve("big"), new byte[1 << 20]);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> stuck.copyToGuest(host, "/tmp/big", 0644, Duration.ofMillis(500)))
                    .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.reason()).isEqualTo(Reason.REQUEST_FAILED))
                    .hasMessageStartingWith("cannot copy " + host + " to /tmp/big in the guest: it did not finish within its"
                            + " time limit of 500 ms (");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(500), PROMPTLY);
            assertThat(stuck.isConnected()).isTrue();
        } finally {
            mine.addAll(agentThreads());
            mine.removeAll(before);
            stuck.close();
            deaf.close();
        }
        assertThat(mine).extracting(Thread::getName).anyMatch(n -> n.startsWith("bootkernel-agent-writer-"));
        for (Thread t : mine) {
            t.join(5000);
            assertThat(t.isAlive()).as(t.getName()).isFalse();
        }
    }

    @Test
    void aTransportThatMovesSevenBytesAtATimeLosesNothing() throws Exception {
        try (FakeAgent narrow = new FakeAgent(7)) {
            AgentClient c = narrow.connect(ExecCall.KILL_GRACE);
            byte[] content = AgentClientExecTest.pattern(11, 65537);
            Path in = Files.write(dir.resolve("in"), content);
            c.copyToGuest(in, "/tmp/x", 0600, Duration.ofSeconds(30));
            c.copyFromGuest("/tmp/x", dir.resolve("out"), content.length, Duration.ofSeconds(30));
            assertThat(Files.readAllBytes(dir.resolve("out"))).isEqualTo(content);
            var result = c.exec(Exec.of("outerr"));
            assertThat(result.stdout() + result.stderr() + result.status()).isEqualTo("out\nerr\n7");
        }
    }

    @Test
    void anInterruptEndsTheWaitForTheAgent() throws Exception {
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> client.awaitConnected(Duration.ofSeconds(60))).isInstanceOf(InterruptedException.class);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> client.exec(Exec.of("true"))).isInstanceOf(InterruptedException.class);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> client.copyToGuest(Files.write(dir.resolve("f"), new byte[1]), "/f", 0644,
                Duration.ofSeconds(60))).isInstanceOf(InterruptedException.class);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> client.copyFromGuest("/f", dir.resolve("g"), 1, Duration.ofSeconds(60)))
                .isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("f");
        }
    }

    /** @return an exec of a program that runs until it is killed, once it runs */
    private Future<?> sleeping() throws InterruptedException {
        Future<?> sleeping = pool.submit(() -> client.exec(Exec.of("sleep")));
        agent.await(FrameType.EXEC);
        Thread.sleep(100); // for its STARTED to arrive
        return sleeping;
    }

    private List<Future<?>> inFlight() throws Exception {
        Path host = Files.write(dir.resolve("in"), new byte[1 << 20]);
        agent.manual(FrameType.GET, FrameType.PUT, FrameType.DATA, FrameType.END);
        List<Future<?>> futures = new ArrayList<>();
        futures.add(pool.submit(() -> client.exec(Exec.of("sleep"))));
        futures.add(pool.submit(() -> {
            Execution e = client.start(Exec.of("sleep"), ExecListener.NONE);
            return e.await(Duration.ofSeconds(60));
        }));
        futures.add(pool.submit(() -> {
            client.copyFromGuest("/etc/big", dir.resolve("out"), 1 << 30, Duration.ofSeconds(60));
            return null;
        }));
        futures.add(pool.submit(() -> {
            client.copyToGuest(host, "/tmp/in", 0644, Duration.ofSeconds(60));
            return null;
        }));
        Thread.sleep(300);
        for (Future<?> f : futures) {
            assertThat(f).isNotDone();
        }
        return futures;
    }

    private static void assertFailsPromptly(Future<?> f, Reason reason, String messagePart) throws Exception {
        try {
            f.get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("it did not fail");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(AgentException.class,
                    a -> assertThat(a.reason()).isEqualTo(reason)).hasMessageContaining(messagePart);
        }
    }

    private AgentException failureOfNext() {
        return catchAgentException(() -> client.exec(Exec.of("true")));
    }

    private static AgentException catchAgentException(Callable<?> call) {
        try {
            call.call();
            throw new AssertionError("no exception");
        } catch (AgentException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<Thread> agentThreads() {
        List<Thread> list = new ArrayList<>();
        Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("bootkernel-agent-"))
                .forEach(list::add);
        return list;
    }

}
