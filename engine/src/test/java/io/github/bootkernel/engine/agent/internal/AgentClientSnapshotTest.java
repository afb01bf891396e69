package io.github.bootkernel.engine.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.AgentException;
import io.github.bootkernel.engine.AgentException.Reason;
import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.agent.ExecListener;
import io.github.bootkernel.engine.agent.Execution;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client's state captured for a snapshot and a clone's client restored from it, over in-memory
 * pipes: a channel still waiting for HELLO, a connected one with the kernel log's request, a frame
 * from the agent read partly, SYNCs unanswered, frames queued for the agent behind a frozen writer;
 * RESEED first in the clone (its answer, its failure, a version 2 agent); refusal while a caller's
 * request is in flight; a frozen channel holding callers' new requests until it thaws.
 *
 * <p>The source's pipes stand for the snapshotted machine's COM2, the clone's for a clone's: the
 * clone's {@link FakeAgent} plays the same run of the agent, which in a real clone continues from
 * the guest's RAM (so it says no HELLO).
 */
@Timeout(60)
class AgentClientSnapshotTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void close() throws Exception {
        pool.shutdownNow();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    void aChannelWaitingForHelloIsCapturedAsSuchAndTheCloneReseedsAfterItsHello() throws Exception {
        FakeAgent source = agent();
        AgentClient client = track(source.client());
        ChannelState state = capture(client, source);

        assertThat(state.connected()).isFalse();
        assertThat(state.partialFrame()).isEmpty();
        assertThat(state.outgoing()).isEmpty();

        FakeAgent cloneAgent = agent();
        AgentClient clone = restore(cloneAgent, state, null);
        assertThat(clone.isConnected()).isFalse();
        cloneAgent.hello(2, 3, Frame.MAX_PAYLOAD);

        assertThat(clone.exec(Exec.of("echo", "clone")).stdout()).isEqualTo("clone\n");
        assertThat(cloneAgent.received).extracting(Frame::type)
                .containsExactly(FrameType.WELCOME, FrameType.RESEED, FrameType.EXEC);
        assertThat(Payloads.Welcome.decode(cloneAgent.received.get(0).payload()).version()).isEqualTo(3);
        Payloads.Reseed reseed = Payloads.Reseed.decode(cloneAgent.received.get(1).payload());
        assertThat(reseed.entropy()).hasSize(Payloads.MIN_RESEED_BYTES);
        assertThat(reseed.realtimeNanos() / 1_000_000).isCloseTo(System.currentTimeMillis(),
                org.assertj.core.data.Offset.offset(60_000L));
    }

    @Test
    void aHelloReadPartlyIsFinishedByTheClonesAgent() throws Exception {
        byte[] hello = Frame.of(FrameType.HELLO, 0, new Payloads.Hello(2, 3, Frame.MAX_PAYLOAD, "fake-agent 1").encode())
                .encode(Frame.MAX_PAYLOAD);
        FakeAgent source = agent();
        AgentClient client = track(source.client());
        source.sendRaw(Arrays.copyOf(hello, 15));

        ChannelState state = capture(client, source);
        assertThat(state.connected()).isFalse();
        assertThat(state.partialFrame()).isEqualTo(Arrays.copyOf(hello, 15));

        FakeAgent cloneAgent = agent();
        AgentClient clone = restore(cloneAgent, state, null);
        cloneAgent.sendRaw(Arrays.copyOfRange(hello, 15, hello.length));

        assertThat(clone.exec(Exec.of("true")).exitCode()).hasValue(0);
        assertThat(cloneAgent.received).extracting(Frame::type)
                .containsExactly(FrameType.WELCOME, FrameType.RESEED, FrameType.EXEC);
    }

    @Test
    void aFreshChannelSendsNoReseed() throws Exception {
        FakeAgent agent = agent();
        AgentClient client = track(agent.client());
        agent.hello(2, 3, Frame.MAX_PAYLOAD);

        assertThat(client.exec(Exec.of("true")).exitCode()).hasValue(0);
        assertThat(agent.received).extracting(Frame::type).containsExactly(FrameType.WELCOME, FrameType.EXEC);
        assertThat(Payloads.Welcome.decode(agent.received.get(0).payload()).version()).isEqualTo(3);
    }

    @Test
    void aConnectedChannelContinuesItsSessionRequestIdsAndKernelLogInTheClone() throws Exception {
        FakeAgent source = agent();
        Records sourceLog = new Records();
        AgentClient client = track(source.client(sourceLog));
        source.hello(2, 3, Frame.MAX_PAYLOAD);
        int klogId = source.await(FrameType.KLOG).requestId();
        source.send(FrameType.RECORDS, klogId, Payloads.encodeRecords(List.of(bytes("6,0,1,-;boot\n"))));
        assertThat(client.exec(Exec.of("true")).exitCode()).hasValue(0);
        int execId = source.await(FrameType.EXEC).requestId();
        sourceLog.await(1);

        ChannelState state = capture(client, source);

        assertThat(state.connected()).isTrue();
        assertThat(state.version()).isEqualTo(3);
        assertThat(state.agent()).isEqualTo("fake-agent 1");
        assertThat(state.klogId()).isEqualTo(klogId);
        assertThat(Integer.toUnsignedLong(state.nextId())).isGreaterThan(Integer.toUnsignedLong(execId));
        assertThat(state.pendingSyncs()).isZero();

        FakeAgent cloneAgent = agent();
        Records cloneLog = new Records();
        AgentClient clone = restore(cloneAgent, state, cloneLog);
        assertThat(clone.exec(Exec.of("echo", "in the clone")).stdout()).isEqualTo("in the clone\n");
        // The same run of the agent: no WELCOME and no new KLOG; RESEED is the clone's first frame.
        assertThat(cloneAgent.received).extracting(Frame::type).containsExactly(FrameType.RESEED, FrameType.EXEC);
        int reseedId = cloneAgent.received.get(0).requestId();
        int cloneExecId = cloneAgent.received.get(1).requestId();
        assertThat(List.of(reseedId, cloneExecId)).doesNotContain(klogId).allMatch(id -> id != 0);
        assertThat(reseedId).isEqualTo(state.nextId());
        assertThat(cloneExecId).isNotEqualTo(reseedId);

        // The agent's KLOG request goes on in the clone, on the same id.
        cloneAgent.send(FrameType.RECORDS, klogId, Payloads.encodeRecords(List.of(bytes("6,1,2,-;after\n"))));
        assertThat(cloneLog.await(1)).containsExactly("6,1,2,-;after\n");
        assertThat(cloneLog.syncers).hasSize(1);
    }

    @Test
    void aFramePartlyReadIsCapturedWithItsOffsetAndCompletedInTheClone() throws Exception {
        FakeAgent source = agent();
        Records sourceLog = new Records();
        AgentClient client = track(source.client(sourceLog));
        source.hello(2, 3, Frame.MAX_PAYLOAD);
        int klogId = source.await(FrameType.KLOG).requestId();
        byte[] frame = Frame.of(FrameType.RECORDS, klogId, Payloads.encodeRecords(List.of(bytes("6,0,1,-;split\n"))))
                .encode(Frame.MAX_PAYLOAD);
        long helloBytes = source.toHost.passed();
        int cut = 7;
        source.sendRaw(Arrays.copyOf(frame, cut));

        ChannelState state = capture(client, source);

        assertThat(state.partialFrame()).isEqualTo(Arrays.copyOf(frame, cut));
        assertThat(state.partialOffset()).isEqualTo(helloBytes);
        assertThat(sourceLog.raw).isEmpty();

        FakeAgent cloneAgent = agent();
        cloneAgent.manual(FrameType.RESEED); // its answer comes after the frame the guest was writing
        Records cloneLog = new Records();
        AgentClient clone = restore(cloneAgent, state, cloneLog);
        int reseed = cloneAgent.await(FrameType.RESEED).requestId();
        cloneAgent.sendRaw(Arrays.copyOfRange(frame, cut, frame.length));
        cloneAgent.send(FrameType.DONE, reseed, new byte[0]);
        assertThat(cloneLog.await(1)).containsExactly("6,0,1,-;split\n");
        assertThat(clone.exec(Exec.of("true")).exitCode()).hasValue(0);
    }

    @Test
    void everyCutOfAFrameIsCapturedAndCompletedInTheClone() throws Exception {
        // A cut in the magic, the type, the id, the length, the payload and the CRC-32.
        for (int cut : new int[] {1, 2, 3, 5, 9, Frame.HEADER_BYTES, Frame.HEADER_BYTES + 3, 27}) {
            FakeAgent source = agent();
            Records sourceLog = new Records();
            AgentClient client = track(source.client(sourceLog));
            source.hello(2, 3, Frame.MAX_PAYLOAD);
            int klogId = source.await(FrameType.KLOG).requestId();
            byte[] frame = Frame.of(FrameType.RECORDS, klogId, Payloads.encodeRecords(List.of(bytes("6,0,1,-;x\n"))))
                    .encode(Frame.MAX_PAYLOAD);
            assertThat(cut).isLessThan(frame.length);
            source.sendRaw(Arrays.copyOf(frame, cut));

            ChannelState state = capture(client, source);

            assertThat(state.partialFrame()).as("cut at %d", cut).isEqualTo(Arrays.copyOf(frame, cut));
            FakeAgent cloneAgent = agent();
            cloneAgent.manual(FrameType.RESEED);
            Records cloneLog = new Records();
            restore(cloneAgent, state, cloneLog);
            int reseed = cloneAgent.await(FrameType.RESEED).requestId();
            cloneAgent.sendRaw(Arrays.copyOfRange(frame, cut, frame.length));
            cloneAgent.send(FrameType.DONE, reseed, new byte[0]);
            assertThat(cloneLog.await(1)).as("cut at %d", cut).containsExactly("6,0,1,-;x\n");
        }
    }

    @Test
    void aBadFrameCutInTwoIsStillBadInTheCloneWithTheSourcesOffset() throws Exception {
        FakeAgent source = agent();
        AgentClient client = track(source.client());
        source.hello(2, 3, Frame.MAX_PAYLOAD);
        assertThat(client.exec(Exec.of("true")).exitCode()).hasValue(0);
        long offset = source.toHost.passed();
        byte[] bad = Frame.of(FrameType.STDOUT, 77, new byte[] {1, 2, 3}).encode(Frame.MAX_PAYLOAD);
        bad[bad.length - 1] ^= 1; // its CRC-32
        source.sendRaw(Arrays.copyOf(bad, 4));

        ChannelState state = capture(client, source);
        FakeAgent cloneAgent = agent();
        cloneAgent.manual(FrameType.RESEED);
        AgentClient clone = restore(cloneAgent, state, null);
        cloneAgent.await(FrameType.RESEED);
        cloneAgent.sendRaw(Arrays.copyOfRange(bad, 4, bad.length));

        assertThatThrownBy(() -> clone.exec(Exec.of("true"))).isInstanceOf(AgentException.class)
                .hasMessageContaining("bad frame at stream offset " + offset + " (type 0x12 STDOUT, request 77): bad"
                        + " CRC-32");
    }

    @Test
    void framesQueuedBehindTheFrozenWriterAndUnansweredSyncsGoToTheClone() throws Exception {
        FakeAgent source = agent();
        Records sourceLog = new Records();
        AgentClient client = track(source.client(sourceLog));
        source.hello(2, 3, Frame.MAX_PAYLOAD);
        int klogId = source.await(FrameType.KLOG).requestId();
        KlogSyncer syncer = sourceLog.syncer(0);
        CompletableFuture<Boolean> sentBefore = syncer.sync(); // reaches the agent, which does not answer yet
        source.await(FrameType.SYNC);

        assertThat(client.freeze(WAIT)).isTrue();
        CompletableFuture<Boolean> queued = syncer.sync(); // the frozen writer keeps it
        Thread.sleep(100);
        assertThat(source.received).extracting(Frame::type).containsOnlyOnce(FrameType.SYNC);
        assertThat(source.toHost.awaitReaderWaiting(WAIT)).isTrue();
        ChannelState state = client.capture();

        assertThat(state.pendingSyncs()).isEqualTo(2);
        assertThat(state.outgoing()).hasSize(1);
        Frame sync = new FrameReader(new java.io.ByteArrayInputStream(state.outgoing().get(0)), FrameType.Sender.HOST,
                Frame.MAX_PAYLOAD).read();
        assertThat(sync.type()).isEqualTo(FrameType.SYNC);
        assertThat(sync.requestId()).isEqualTo(klogId);

        FakeAgent cloneAgent = agent();
        Records cloneLog = new Records();
        AgentClient clone = restore(cloneAgent, state, cloneLog);
        // The queued SYNC first, then RESEED: as the source would have sent them.
        cloneAgent.await(FrameType.RESEED);
        assertThat(cloneAgent.received).extracting(Frame::type).startsWith(FrameType.SYNC, FrameType.RESEED);
        // The agent answers both SYNCs (the one the source's agent had, and the queued one) in the clone.
        cloneAgent.send(FrameType.SYNCED, klogId, new byte[0]);
        cloneAgent.send(FrameType.SYNCED, klogId, new byte[0]);
        CompletableFuture<Boolean> cloneSync = cloneLog.syncer(0).sync();
        cloneAgent.await(f -> f.type() == FrameType.SYNC && cloneAgent.received.indexOf(f) > 1, WAIT);
        cloneAgent.send(FrameType.SYNCED, klogId, new byte[0]);
        assertThat(cloneSync.get(10, TimeUnit.SECONDS)).as("the clone's own SYNC, answered third").isTrue();
        assertThat(clone.exec(Exec.of("true")).exitCode()).hasValue(0);

        client.close();
        assertThat(sentBefore.get(10, TimeUnit.SECONDS)).as("the source's waiters are released").isFalse();
        assertThat(queued.get(10, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void aCallersRequestInFlightRefusesTheCaptureAndTheChannelGoesOnAfterThaw() throws Exception {
        FakeAgent source = agent();
        AgentClient client = track(source.client());
        source.hello(2, 3, Frame.MAX_PAYLOAD);
        Execution sleeping = client.start(Exec.of("sleep"), ExecListener.NONE);
        int id = source.await(FrameType.EXEC).requestId();

        assertThat(client.freeze(WAIT)).isTrue();
        assertThat(source.toHost.awaitReaderWaiting(WAIT)).isTrue();
        assertThatThrownBy(client::capture).isInstanceOf(IllegalStateException.class)
                .hasMessage("the guest agent is serving 1 request of this machine's callers: request " + id
                        + " (run 'sleep'); a snapshot belongs to nobody's call: wait for them to end (or kill the"
                        + " programs) first");

        client.thaw();
        sleeping.signal(15);
        assertThat(sleeping.await(WAIT).orElseThrow().signal()).hasValue(15);
        assertThat(client.exec(Exec.of("true")).exitCode()).hasValue(0);
    }

    @Test
    void aRequestWhoseCallerGaveUpStillRefusesTheCapture() throws Exception {
        FakeAgent source = agent();
        source.ignoreKill();
        AgentClient client = track(source.client());
        source.hello(2, 3, Frame.MAX_PAYLOAD);
        Future<?> waiting = pool.submit(() -> client.exec(Exec.of("sleep")));
        int id = source.await(FrameType.EXEC).requestId();
        waiting.cancel(true); // the caller gives up: its thread is interrupted, the program killed
        source.await(FrameType.KILL);

        assertThat(client.freeze(WAIT)).isTrue();
        assertThat(source.toHost.awaitReaderWaiting(WAIT)).isTrue();
        assertThatThrownBy(client::capture).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("request " + id + " (run 'sleep', given up by its caller, its last frame not"
                        + " arrived)");
    }

    @Test
    void aFrozenChannelHoldsCallersRequestsUntilItThaws() throws Exception {
        FakeAgent source = agent();
        AgentClient client = track(source.client());
        source.hello(2, 3, Frame.MAX_PAYLOAD);
        client.awaitConnected(WAIT);
        source.await(FrameType.WELCOME);
        assertThat(client.freeze(WAIT)).isTrue();

        Future<String> held = pool.submit(() -> client.exec(Exec.of("echo", "later")).stdout());
        Thread.sleep(200);
        assertThat(held).isNotDone();
        assertThat(source.received).extracting(Frame::type).containsExactly(FrameType.WELCOME);

        client.thaw();
        assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("later\n");
    }

    @Test
    void aFrozenChannelFailsHeldRequestsWhenItEnds() throws Exception {
        FakeAgent source = agent();
        AgentClient client = track(source.client());
        source.hello(2, 3, Frame.MAX_PAYLOAD);
        assertThat(client.freeze(WAIT)).isTrue();
        Future<?> held = pool.submit(() -> client.exec(Exec.of("true")));
        Thread.sleep(100);

        client.end("the guest ended (snapshotted)");

        assertThatThrownBy(() -> held.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(AgentException.class)
                .cause().hasMessageContaining("snapshotted");
    }

    @Test
    void freezeSaysSoWhenTheFrameBeingWrittenIsNotTaken() throws Exception {
        FakeAgent source = new FakeAgent(4096);
        closing.add(source);
        source.deafAfter(FrameType.WELCOME);
        AgentClient client = track(source.client());
        source.hello(2, 3, Frame.MAX_PAYLOAD);
        client.awaitConnected(WAIT);
        // An EXEC of about 40 KiB cannot pass a pipe of 4 KiB that nobody reads.
        List<String> args = new ArrayList<>(List.of("echo"));
        for (int i = 0; i < 40; i++) {
            args.add("x".repeat(1000));
        }
        pool.submit(() -> client.exec(Exec.of(args).timeout(Duration.ofSeconds(30))));
        while (source.toAgent.buffered() < 4096) {
            Thread.sleep(10);
        }

        assertThat(client.freeze(Duration.ofMillis(300))).isFalse();
        client.thaw();
    }

    @Test
    void aCloneWhoseAgentCouldNotReseedRefusesRequestsNamingTheCallAndErrno() throws Exception {
        ChannelState state = connectedState();
        FakeAgent cloneAgent = agent();
        cloneAgent.manual(FrameType.RESEED);
        AgentClient clone = restore(cloneAgent, state, null);
        int id = cloneAgent.await(FrameType.RESEED).requestId();
        cloneAgent.send(FrameType.ERROR, id, new Payloads.ErrorReply(1, "RNDADDENTROPY (64 bytes, 512 bits):"
                + " Operation not permitted; RNDRESEEDCRNG: done; clock_settime(CLOCK_REALTIME): done").encode());

        assertThatThrownBy(() -> clone.exec(Exec.of("true"))).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.REQUEST_FAILED)).hasMessage("cannot run 'true': the agent"
                + " could not reseed the clone: RNDADDENTROPY (64 bytes, 512 bits): Operation not permitted;"
                + " RNDRESEEDCRNG: done; clock_settime(CLOCK_REALTIME): done (errno 1)");
        assertThat(clone.isConnected()).isFalse();
        assertThat(cloneAgent.received).extracting(Frame::type).containsExactly(FrameType.RESEED);
    }

    @Test
    void aWelcomeNotYetWrittenAtTheSnapshotIsTheClonesFirstFrame() throws Exception {
        FakeAgent source = agent();
        AgentClient client = track(source.client());
        assertThat(client.freeze(WAIT)).isTrue(); // before HELLO: the WELCOME will stay queued
        source.hello(2, 3, Frame.MAX_PAYLOAD);
        while (!client.isConnected()) {
            Thread.sleep(5);
        }
        assertThat(source.toHost.awaitReaderWaiting(WAIT)).isTrue();
        ChannelState state = client.capture();
        assertThat(state.connected()).isTrue();
        assertThat(state.outgoing()).hasSize(1);

        FakeAgent cloneAgent = agent();
        AgentClient clone = restore(cloneAgent, state, null);

        assertThat(clone.exec(Exec.of("true")).exitCode()).hasValue(0);
        assertThat(cloneAgent.received).extracting(Frame::type)
                .containsExactly(FrameType.WELCOME, FrameType.RESEED, FrameType.EXEC);
    }

    @Test
    void callersRequestsInACloneWaitForTheReseedsAnswer() throws Exception {
        ChannelState state = connectedState();
        FakeAgent cloneAgent = agent();
        cloneAgent.manual(FrameType.RESEED);
        AgentClient clone = restore(cloneAgent, state, null);
        int id = cloneAgent.await(FrameType.RESEED).requestId();

        Future<String> held = pool.submit(() -> clone.exec(Exec.of("echo", "after")).stdout());
        Thread.sleep(200);
        assertThat(held).isNotDone();
        assertThat(clone.isConnected()).isFalse();
        cloneAgent.send(FrameType.DONE, id, new byte[0]);

        assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("after\n");
        assertThat(clone.isConnected()).isTrue();
    }

    @Test
    void aCloneOfAVersion2SessionCannotReseedAndSaysWhy() throws Exception {
        FakeAgent source = agent();
        AgentClient client = track(source.client());
        source.hello(); // 2 to 2: an image with an older agent
        client.awaitConnected(WAIT);
        source.await(FrameType.WELCOME);
        ChannelState state = capture(client, source);
        assertThat(state.version()).isEqualTo(2);

        FakeAgent cloneAgent = agent();
        AgentClient clone = restore(cloneAgent, state, null);

        assertThatThrownBy(() -> clone.exec(Exec.of("true"))).isInstanceOf(AgentException.class)
                .hasMessage("cannot run 'true': the agent (\"fake-agent 1\") speaks protocol version 2, which cannot"
                        + " reseed a clone (RESEED came with version 3): boot an image built with this version's agent");
        Thread.sleep(100);
        assertThat(cloneAgent.received).as("nothing a version 2 agent would take for a bad frame").isEmpty();
    }

    @Test
    void anAgentRestartInTheCloneBeforeTheReseedsAnswerReseedsTheNewRun() throws Exception {
        ChannelState state = connectedState();
        FakeAgent cloneAgent = agent();
        cloneAgent.manual(FrameType.RESEED);
        AgentClient clone = restore(cloneAgent, state, null);
        cloneAgent.await(FrameType.RESEED);

        cloneAgent.hello(2, 3, Frame.MAX_PAYLOAD);
        Frame second = cloneAgent.await(f -> f.type() == FrameType.RESEED && cloneAgent.received.indexOf(f) > 0, WAIT);
        cloneAgent.send(FrameType.DONE, second.requestId(), new byte[0]);

        assertThat(clone.exec(Exec.of("true")).exitCode()).hasValue(0);
        assertThat(cloneAgent.received).extracting(Frame::type)
                .containsExactly(FrameType.RESEED, FrameType.WELCOME, FrameType.RESEED, FrameType.EXEC);
    }

    @Test
    void aCaptureOfAnEndedChannelIsRefused() throws Exception {
        FakeAgent source = agent();
        AgentClient client = track(source.client());
        source.hello(2, 3, Frame.MAX_PAYLOAD);
        client.awaitConnected(WAIT);
        source.closeOutput();
        assertThatThrownBy(() -> client.exec(Exec.of("true"))).isInstanceOf(AgentException.class);

        assertThat(client.freeze(WAIT)).isTrue();
        assertThatThrownBy(client::capture).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the agent's channel has ended: the channel to the agent on the fake agent ended");
    }

    /** A connected channel's state, without the kernel log. */
    private ChannelState connectedState() throws Exception {
        FakeAgent source = agent();
        AgentClient client = track(source.client());
        source.hello(2, 3, Frame.MAX_PAYLOAD);
        client.awaitConnected(WAIT);
        source.await(FrameType.WELCOME);
        return capture(client, source);
    }

    /** Freezes the client, waits for its reader to wait, and captures: what the machine does. */
    private static ChannelState capture(AgentClient client, FakeAgent agent) throws InterruptedException {
        assertThat(client.freeze(WAIT)).isTrue();
        assertThat(agent.toHost.awaitReaderWaiting(WAIT)).isTrue();
        return client.capture();
    }

    private AgentClient restore(FakeAgent cloneAgent, ChannelState state, KlogReceiver klog) {
        AgentClient clone = track(AgentClient.restored(cloneAgent.toHost.in, cloneAgent.toAgent.out, "the clone's"
                + " fake agent", klog, state));
        clone.start();
        return clone;
    }

    private FakeAgent agent() {
        FakeAgent agent = new FakeAgent();
        closing.add(agent);
        return agent;
    }

    private AgentClient track(AgentClient client) {
        closing.add(0, client);
        return client;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A receiver that keeps what it gets. */
    private static final class Records implements KlogReceiver {
        final List<byte[]> raw = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<KlogSyncer> syncers = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public long nextSequence() {
            return raw.size();
        }

        @Override
        public synchronized void record(byte[] record) {
            raw.add(record);
            notifyAll();
        }

        @Override
        public void lost() {
        }

        @Override
        public void unavailable(String why) {
        }

        @Override
        public synchronized void streaming(KlogSyncer syncer) {
            syncers.add(syncer);
            notifyAll();
        }

        /** Waits for the {@code i}th syncer handed over. */
        synchronized KlogSyncer syncer(int i) throws InterruptedException {
            long end = System.nanoTime() + WAIT.toNanos();
            while (syncers.size() <= i) {
                long left = end - System.nanoTime();
                assertThat(left).as("syncer %d within %s", i, WAIT).isPositive();
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return syncers.get(i);
        }

        synchronized List<String> await(int n) throws InterruptedException {
            long end = System.nanoTime() + WAIT.toNanos();
            while (raw.size() < n) {
                long left = end - System.nanoTime();
                assertThat(left).as("%d records within %s", n, WAIT).isPositive();
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return raw.stream().map(r -> new String(r, StandardCharsets.UTF_8)).toList();
        }
    }
}
