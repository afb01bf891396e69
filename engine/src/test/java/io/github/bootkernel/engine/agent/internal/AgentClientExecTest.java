package io.github.bootkernel.engine.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.AgentException;
import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.agent.ExecListener;
import io.github.bootkernel.engine.agent.ExecResult;
import io.github.bootkernel.engine.agent.Execution;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Running programs through the client against the fake agent: exit status, signals, both streams
 * apart and in order, environment and directory, several requests from several threads, a flood
 * and the keep limit, streaming to a listener, time limits, and interrupts.
 */
@Timeout(60)
class AgentClientExecTest {

    private final FakeAgent agent = new FakeAgent();
    private AgentClient client;

    @BeforeEach
    void connect() throws Exception {
        client = agent.connect(Duration.ofMillis(500));
    }

    @AfterEach
    void close() {
        agent.close();
    }

    @Test
    void runsAProgramWithItsStatusAndBothStreamsApart() throws Exception {
        ExecResult result = client.exec(Exec.of("outerr"));
        assertThat(result.exitCode()).hasValue(7);
        assertThat(result.signal()).isEmpty();
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(result.timedOut()).isFalse();
        assertThat(result.duration()).isLessThan(Duration.ofSeconds(5));
        assertThat(client.exec(Exec.of("true")).succeeded()).isTrue();
    }

    @Test
    void sendsTheArgumentsEnvironmentAndDirectory() throws Exception {
        AtomicReference<Payloads.ExecRequest> seen = new AtomicReference<>();
        agent.program("look", p -> {
            seen.set(p.request);
            return 0;
        });
        client.exec(Exec.of("look", "a b", "").env("LC_ALL", "C").env("X", "1=2").workdir("/tmp"));
        assertThat(seen.get()).isEqualTo(new Payloads.ExecRequest(0, List.of("look", "a b", ""), List.of("LC_ALL=C", "X=1=2"),
                "/tmp"));
        client.exec(Exec.of("look"));
        assertThat(seen.get().workdir()).isEmpty();
    }

    @Test
    void reportsTheSignalThatKilledAProgram() throws Exception {
        ExecResult result = client.exec(Exec.of("segv"));
        assertThat(result.signal()).hasValue(11);
        assertThat(result.exitCode()).isEmpty();
        assertThat(result.status()).isEqualTo(139);
        assertThat(result.timedOut()).isFalse();
        assertThat(result.stdout()).isEqualTo("dying\n");
    }

    @Test
    void aProgramThatCannotStartIsARequestFailureWithTheErrno() {
        assertThatThrownBy(() -> client.exec(Exec.of("/no/such/program", "x")))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.reason()).isEqualTo(AgentException.Reason.REQUEST_FAILED);
                    assertThat(e.errno()).hasValue(2);
                })
                .hasMessage("cannot run '/no/such/program x': the agent could not start it: No such file or directory"
                        + " (errno 2)");
        assertThatThrownBy(() -> client.start(Exec.of("/no/such/program"), ExecListener.NONE))
                .isInstanceOf(AgentException.class).hasMessageContaining("errno 2");
    }

    @Test
    void aRequestTooBigForOneFrameIsRefusedBeforeItIsSent() {
        List<String> argv = new ArrayList<>(Collections.nCopies(1000, "x".repeat(100)));
        argv.add(0, "echo");
        assertThatThrownBy(() -> client.exec(Exec.of(argv))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit one EXEC frame").hasMessageContaining("above the protocol's 65536");
        assertThat(agent.received).noneMatch(f -> f.type() == FrameType.EXEC);
    }

    @Test
    void serveManyRequestsInFlightFromManyThreads() throws Exception {
        CountDownLatch allStarted = new CountDownLatch(8);
        agent.program("hold", p -> {
            allStarted.countDown();
            allStarted.await();
            p.out(p.request.argv().get(1));
            p.err(p.request.argv().get(2));
            return Integer.parseInt(p.request.argv().get(1)) % 256;
        });
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<ExecResult>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    List<ExecResult> results = new ArrayList<>();
                    results.add(client.exec(Exec.of("hold", String.valueOf(thread), "e" + thread)));
                    for (int i = 0; i < 25; i++) {
                        results.add(client.exec(Exec.of("echo", thread + "/" + i)));
                    }
                    return results;
                }));
            }
            for (int t = 0; t < 8; t++) {
                List<ExecResult> results = futures.get(t).get();
                assertThat(results.get(0).exitCode()).hasValue(t);
                assertThat(results.get(0).stdout()).isEqualTo(String.valueOf(t));
                assertThat(results.get(0).stderr()).isEqualTo("e" + t);
                for (int i = 0; i < 25; i++) {
                    assertThat(results.get(i + 1).stdout()).isEqualTo(t + "/" + i + "\n");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFloodArrivesWholeAndInOrderOnBothStreams() throws Exception {
        agent.program("flood", p -> {
            for (int i = 0; i < 2000; i++) {
                p.out(pattern(i, 4000 + i % 97));
                if (i % 10 == 0) {
                    p.err(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            return 0;
        });
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        StringBuilder expectedErr = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            expected.write(pattern(i, 4000 + i % 97));
            if (i % 10 == 0) {
                expectedErr.append("line ").append(i).append('\n');
            }
        }
        ExecResult result = client.exec(Exec.of("flood"));
        assertThat(result.stdoutBytes()).isEqualTo(expected.toByteArray()); // about 8 MiB
        assertThat(result.stderr()).isEqualTo(expectedErr.toString());
        assertThat(result.stdoutDropped()).isZero();
    }

    @Test
    void outputBeyondTheKeepLimitIsCountedNotKept() throws Exception {
        byte[] mib = pattern(1, 1 << 20);
        agent.program("huge", p -> {
            for (int i = 0; i < 64; i++) {
                p.out(mib);
            }
            p.out(new byte[12345]);
            p.err("e");
            return 0;
        });
        ExecResult result = client.exec(Exec.of("huge"));
        byte[] kept = result.stdoutBytes();
        assertThat(kept).hasSize(ExecResult.MAX_KEPT_BYTES);
        assertThat(java.util.Arrays.copyOfRange(kept, kept.length - mib.length, kept.length)).isEqualTo(mib);
        assertThat(result.stdoutDropped()).isEqualTo(12345);
        assertThat(result.stderr()).isEqualTo("e");
        assertThat(result.stderrDropped()).isZero();
    }

    @Test
    void startStreamsOutputToItsListenerAndAwaitReturnsTheResult() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        agent.program("talk", p -> {
            p.out("a");
            p.err("b");
            go.await();
            p.out("c");
            return -p.awaitSignal();
        });
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        Execution running = client.start(Exec.of("talk"), new ExecListener() {
            @Override
            public void stdout(byte[] chunk) {
                heard.add("out:" + new String(chunk, StandardCharsets.UTF_8));
            }

            @Override
            public void stderr(byte[] chunk) {
                heard.add("err:" + new String(chunk, StandardCharsets.UTF_8));
            }
        });
        assertThat(running.exec().command()).containsExactly("talk");
        assertThat(running.await(Duration.ofMillis(100))).isEmpty();
        go.countDown();
        running.signal(15);
        ExecResult result = running.await(Duration.ofSeconds(10)).orElseThrow();
        assertThat(result.signal()).hasValue(15);
        assertThat(result.timedOut()).isFalse();
        assertThat(result.stdout()).isEqualTo("ac");
        assertThat(result.stderr()).isEqualTo("b");
        assertThat(heard).containsExactly("out:a", "err:b", "out:c");
        running.signal(9); // the program has ended: nothing is sent
        assertThat(agent.received.stream().filter(f -> f.type() == FrameType.KILL)).hasSize(1);
        assertThatThrownBy(() -> running.signal(65)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aListenerThatThrowsIsDroppedAndTheOutputStillKept() throws Exception {
        agent.program("two", p -> {
            p.out("1");
            p.out("2");
            return 0;
        });
        List<String> heard = new ArrayList<>();
        Execution running = client.start(Exec.of("two"), new ExecListener() {
            @Override
            public void stdout(byte[] chunk) {
                heard.add(new String(chunk, StandardCharsets.UTF_8));
                throw new IllegalStateException("listener bug");
            }
        });
        ExecResult result = running.await(Duration.ofSeconds(10)).orElseThrow();
        assertThat(result.stdout()).isEqualTo("12");
        assertThat(heard).containsExactly("1");
        assertThat(client.exec(Exec.of("true")).succeeded()).isTrue();
    }

    @Test
    void aProgramThatOutlivesItsTimeLimitIsKilledAndReportedTimedOut() throws Exception {
        long t0 = System.nanoTime();
        ExecResult result = client.exec(Exec.of("sleep").timeout(Duration.ofMillis(300)));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(result.timedOut()).isTrue();
        assertThat(result.signal()).hasValue(9);
        assertThat(result.succeeded()).isFalse();
        assertThat(took).isBetween(Duration.ofMillis(300), Duration.ofSeconds(5));
        Frame kill = agent.await(FrameType.KILL);
        assertThat(Payloads.Kill.decode(kill.payload()).signal()).isEqualTo(9);
        assertThat(result.toString()).isEqualTo("sleep: killed by signal 9 at its time limit after "
                + result.duration().toMillis() + " ms");
    }

    @Test
    void aStartedProgramIsKilledAtItsTimeLimitWithoutAnyoneWaiting() throws Exception {
        Execution running = client.start(Exec.of("sleep").timeout(Duration.ofMillis(200)), ExecListener.NONE);
        agent.await(FrameType.KILL);
        ExecResult result = running.await(Duration.ofSeconds(10)).orElseThrow();
        assertThat(result.timedOut()).isTrue();
        assertThat(result.signal()).hasValue(9);
    }

    @Test
    void aKillTheAgentNeverAnswersFailsTheRequestAGraceAfterTheLimit() throws Exception {
        agent.ignoreKill();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> client.exec(Exec.of("sleep").timeout(Duration.ofMillis(200))))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.reason()).isEqualTo(AgentException.Reason.REQUEST_FAILED);
                    assertThat(e.errno()).isEmpty();
                })
                .hasMessage("cannot run 'sleep': it outlived its time limit of 200 ms and the agent did not report its"
                        + " end within 500 ms of its SIGKILL");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(700), Duration.ofSeconds(5));
        assertThat(client.isConnected()).isTrue();
    }

    @Test
    void anInterruptedExecKillsItsProgramAndTheChannelGoesOn() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                client.exec(Exec.of("sleep"));
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        waiter.start();
        agent.await(FrameType.EXEC);
        waiter.interrupt();
        waiter.join(5000);
        assertThat(waiter.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(Payloads.Kill.decode(agent.await(FrameType.KILL).payload()).signal()).isEqualTo(9);
        // the program's late SIGNALED is absorbed, and the channel serves the next request
        assertThat(client.exec(Exec.of("echo", "next")).stdout()).isEqualTo("next\n");
        assertThat(client.isConnected()).isTrue();
    }

    @Test
    void anInterruptedAwaitLeavesTheProgramRunning() throws Exception {
        Execution running = client.start(Exec.of("sleep"), ExecListener.NONE);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> running.await(Duration.ofSeconds(10))).isInstanceOf(InterruptedException.class);
        Thread.sleep(100);
        assertThat(agent.received).noneMatch(f -> f.type() == FrameType.KILL);
        running.signal(9);
        assertThat(running.await(Duration.ofSeconds(10)).orElseThrow().signal()).hasValue(9);
    }

    static byte[] pattern(int seed, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + (i >>> 8));
        }
        return b;
    }
}
