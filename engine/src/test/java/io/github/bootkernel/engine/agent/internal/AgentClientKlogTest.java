package io.github.bootkernel.engine.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.AgentException;
import io.github.bootkernel.engine.AgentException.Reason;
import io.github.bootkernel.engine.agent.Exec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client's KLOG request: sent right after every WELCOME from the receiver's next sequence
 * number, RECORDS handed on record by record, LOST and ERROR told to the receiver, a RECORDS
 * payload that does not parse ending the channel, a receiver that throws cut off without harm to
 * the channel, and no KLOG at all without a receiver; SYNC and SYNCED: answers in order after the
 * records before them, released with false by the request's end in every way it ends.
 */
@Timeout(60)
class AgentClientKlogTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final FakeAgent agent = new FakeAgent();
    private final Receiver receiver = new Receiver();
    private final AgentClient client = agent.client(receiver);

    @AfterEach
    void close() {
        client.close();
        agent.close();
    }

    @Test
    void asksFromSequence0RightAfterWelcomeAndHandsOnEveryRecordInOrder() throws Exception {
        agent.hello();
        Frame klog = agent.await(FrameType.KLOG);
        assertThat(agent.received).extracting(Frame::type).startsWith(FrameType.WELCOME, FrameType.KLOG);
        assertThat(Payloads.Klog.decode(klog.payload()).fromSequence()).isZero();

        byte[] binary = {'6', ',', '2', ',', '9', ',', '-', ';', (byte) 0xff, 0, '\n'};
        agent.send(FrameType.RECORDS, klog.requestId(), Payloads.encodeRecords(List.of(
                record("6,0,100,-;Linux version 6.1.0\n"),
                record("4,1,200,-;WARNING: CPU: 0 PID: 1 at foo\n SUBSYSTEM=pci\n DEVICE=+pci:0000:00:01.0\n"))));
        agent.send(FrameType.RECORDS, klog.requestId(), Payloads.encodeRecords(List.of(binary)));

        assertThat(receiver.next()).isEqualTo("record 6,0,100,-;Linux version 6.1.0\n");
        assertThat(receiver.next()).isEqualTo("record 4,1,200,-;WARNING: CPU: 0 PID: 1 at foo\n SUBSYSTEM=pci\n"
                + " DEVICE=+pci:0000:00:01.0\n");
        assertThat(receiver.next()).startsWith("record 6,2,9,-;");
        assertThat(receiver.raw.get(2)).as("the guest's bytes, unchanged").isEqualTo(binary);
        assertThat(client.exec(Exec.of("echo", "exec goes on")).stdout()).isEqualTo("exec goes on\n");
    }

    @Test
    void lostIsToldInItsPlaceAmongTheRecords() throws Exception {
        agent.hello();
        int id = agent.await(FrameType.KLOG).requestId();
        agent.send(FrameType.RECORDS, id, Payloads.encodeRecords(List.of(record("6,0,1,-;a\n"))));
        agent.send(FrameType.LOST, id, new Payloads.Lost(40).encode());
        agent.send(FrameType.RECORDS, id, Payloads.encodeRecords(List.of(record("6,41,2,-;b\n"))));

        assertThat(List.of(receiver.next(), receiver.next(), receiver.next()))
                .containsExactly("record 6,0,1,-;a\n", "lost", "record 6,41,2,-;b\n");
    }

    @Test
    void afterARestartItAsksAgainFromOnePastTheLastRecord() throws Exception {
        agent.hello();
        int first = agent.await(FrameType.KLOG).requestId();
        agent.send(FrameType.RECORDS, first, Payloads.encodeRecords(List.of(record("6,0,1,-;a\n"), record("6,1,2,-;b\n"))));
        receiver.next();
        receiver.next();

        agent.hello();
        Frame again = agent.await(f -> f.type() == FrameType.KLOG && f.requestId() != first, WAIT);
        assertThat(Payloads.Klog.decode(again.payload()).fromSequence()).isEqualTo(2);
        List<FrameType> types = agent.received.stream().map(Frame::type).toList();
        assertThat(types).containsSubsequence(FrameType.WELCOME, FrameType.KLOG, FrameType.WELCOME, FrameType.KLOG);
        agent.send(FrameType.RECORDS, again.requestId(), Payloads.encodeRecords(List.of(record("6,2,3,-;c\n"))));
        assertThat(receiver.next()).isEqualTo("record 6,2,3,-;c\n");
        assertThat(receiver.events).as("the old request's end is silent").isEmpty();
    }

    @Test
    void errorMeansUnavailableAndTheChannelGoesOn() throws Exception {
        agent.hello();
        int id = agent.await(FrameType.KLOG).requestId();
        agent.send(FrameType.ERROR, id, new Payloads.ErrorReply(2, "cannot read the kernel log /dev/kmsg: No such file or"
                + " directory").encode());

        assertThat(receiver.next()).isEqualTo("unavailable the agent cannot stream the kernel log: cannot read the kernel"
                + " log /dev/kmsg: No such file or directory (errno 2)");
        assertThat(client.exec(Exec.of("true")).succeeded()).isTrue();
        agent.send(FrameType.RECORDS, id, Payloads.encodeRecords(List.of(record("6,0,1,-;late\n"))));
        assertThatThrownBy(() -> client.exec(Exec.of("true"))).as("the request ended with its ERROR")
                .isInstanceOf(AgentException.class).hasMessageContaining("no request " + id + " is in flight");
    }

    @Test
    void aRecordsPayloadThatDoesNotParseBreaksTheChannel() throws Exception {
        agent.hello();
        int id = agent.await(FrameType.KLOG).requestId();
        agent.send(FrameType.RECORDS, id, new byte[] {5, 0, 'a', 'b'});

        AgentException e = catchAgentException(() -> client.exec(Exec.of("true").timeout(WAIT)));
        assertThat(e.reason()).isEqualTo(Reason.CHANNEL_BROKEN);
        assertThat(e.getMessage()).matches("cannot run 'true': the channel to the agent on the fake agent broke: bad frame"
                + " at stream offset \\d+ \\(type 0x41 RECORDS, request " + id + "\\): its payload does not parse: record 0"
                + " at byte 0 has 5 bytes, but only 2 are left in the payload");
        assertThat(receiver.events).as("no part of a bad frame is handed on").isEmpty();
    }

    @Test
    void aFrameKlogDoesNotExpectBreaksTheChannel() throws Exception {
        agent.hello();
        int id = agent.await(FrameType.KLOG).requestId();
        agent.send(FrameType.STDOUT, id, new byte[1]);

        AgentException e = catchAgentException(() -> client.exec(Exec.of("true").timeout(WAIT)));
        assertThat(e.getMessage()).endsWith("(type 0x12 STDOUT, request " + id + "): STDOUT is not an answer to KLOG");
    }

    @Test
    void aReceiverThatThrowsGetsNoMoreAndTheChannelGoesOn() throws Exception {
        receiver.failOn = "boom";
        agent.hello();
        int id = agent.await(FrameType.KLOG).requestId();
        agent.send(FrameType.RECORDS, id, Payloads.encodeRecords(List.of(record("6,0,1,-;boom\n"), record("6,1,1,-;x\n"))));
        agent.send(FrameType.LOST, id, new Payloads.Lost(0).encode());

        assertThat(client.exec(Exec.of("echo", "fine")).stdout()).isEqualTo("fine\n");
        assertThat(receiver.events).containsExactly("record 6,0,1,-;boom\n");
    }

    @Test
    void withoutAReceiverNoKlogIsSent() throws Exception {
        FakeAgent other = new FakeAgent();
        try (AgentClient plain = other.client()) {
            other.hello();
            assertThat(plain.exec(Exec.of("true")).succeeded()).isTrue();
            assertThat(other.received).extracting(Frame::type).containsExactly(FrameType.WELCOME, FrameType.EXEC);
        } finally {
            other.close();
        }
    }

    @Test
    void theChannelsEndIsNotToldToTheReceiver() throws Exception {
        agent.hello();
        agent.await(FrameType.KLOG);
        client.end("the guest ended (exit status 0)");
        Thread.sleep(100);
        assertThat(receiver.events).isEmpty();
    }

    @Test
    void syncSendsSyncAndSyncedAnswersInOrderAfterTheRecordsBeforeIt() throws Exception {
        agent.hello();
        int id = agent.await(FrameType.KLOG).requestId();
        KlogSyncer syncer = receiver.syncer();
        CompletableFuture<Boolean> first = syncer.sync();
        CompletableFuture<Boolean> second = syncer.sync();
        Frame sync = agent.await(FrameType.SYNC);
        assertThat(sync.requestId()).isEqualTo(id);
        assertThat(sync.payload()).isEmpty();

        agent.send(FrameType.RECORDS, id, Payloads.encodeRecords(List.of(record("6,0,1,-;before\n"))));
        agent.send(FrameType.SYNCED, id, new byte[0]);
        assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(receiver.events).as("the record was handed on before the answer").contains("record 6,0,1,-;before\n");
        assertThat(second).isNotDone();
        agent.send(FrameType.SYNCED, id, new byte[0]);
        assertThat(second.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theChannelsEndReleasesEverySyncWithFalseAndLaterOnesAnswerFalseAtOnce() throws Exception {
        agent.hello();
        agent.await(FrameType.KLOG);
        KlogSyncer syncer = receiver.syncer();
        CompletableFuture<Boolean> waiting = syncer.sync();
        CompletableFuture<Boolean> alsoWaiting = syncer.sync();
        client.end("the guest ended (exit status 0)");

        assertThat(waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isFalse();
        assertThat(alsoWaiting.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isFalse();
        assertThat(syncer.sync()).isCompletedWithValue(false);
    }

    @Test
    void aRestartReleasesTheOldRequestsSyncsAndHandsOverANewSyncer() throws Exception {
        agent.hello();
        int first = agent.await(FrameType.KLOG).requestId();
        KlogSyncer old = receiver.syncer();
        CompletableFuture<Boolean> waiting = old.sync();
        agent.await(FrameType.SYNC);

        agent.hello();
        Frame again = agent.await(f -> f.type() == FrameType.KLOG && f.requestId() != first, WAIT);
        assertThat(waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isFalse();
        KlogSyncer current = receiver.syncer();
        assertThat(current).isNotSameAs(old);
        CompletableFuture<Boolean> answered = current.sync();
        agent.await(f -> f.type() == FrameType.SYNC && f.requestId() == again.requestId(), WAIT);
        agent.send(FrameType.SYNCED, again.requestId(), new byte[0]);
        assertThat(answered.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theAgentsErrorReleasesSyncsWithFalse() throws Exception {
        agent.hello();
        int id = agent.await(FrameType.KLOG).requestId();
        KlogSyncer syncer = receiver.syncer();
        CompletableFuture<Boolean> waiting = syncer.sync();
        agent.send(FrameType.ERROR, id, new Payloads.ErrorReply(2, "cannot read the kernel log").encode());

        assertThat(waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isFalse();
        assertThat(syncer.sync()).isCompletedWithValue(false);
    }

    @Test
    void syncedWithoutASyncBreaksTheChannel() throws Exception {
        agent.hello();
        int id = agent.await(FrameType.KLOG).requestId();
        agent.send(FrameType.SYNCED, id, new byte[0]);

        AgentException e = catchAgentException(() -> client.exec(Exec.of("true").timeout(WAIT)));
        assertThat(e.getMessage()).endsWith("(type 0x44 SYNCED, request " + id + "): SYNCED without a SYNC");
    }

    @Test
    void syncedWithAPayloadBreaksTheChannel() throws Exception {
        agent.hello();
        int id = agent.await(FrameType.KLOG).requestId();
        receiver.syncer().sync();
        agent.await(FrameType.SYNC);
        agent.send(FrameType.SYNCED, id, new byte[1]);

        AgentException e = catchAgentException(() -> client.exec(Exec.of("true").timeout(WAIT)));
        assertThat(e.getMessage()).endsWith("SYNCED has an empty payload, this one has 1 bytes");
    }

    private static byte[] record(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static AgentException catchAgentException(ThrowingRunnable r) {
        try {
            r.run();
        } catch (AgentException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected an AgentException, got " + e, e);
        }
        throw new AssertionError("expected an AgentException");
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Records events as strings; the next sequence number is one past the last record's, as a sink keeps it. */
    private static final class Receiver implements KlogReceiver {
        private static final Pattern SEQUENCE = Pattern.compile("\\d+,(\\d+),");
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final List<byte[]> raw = new ArrayList<>();
        final BlockingQueue<KlogSyncer> syncers = new LinkedBlockingQueue<>();
        volatile String failOn;
        private volatile long next;

        @Override
        public long nextSequence() {
            return next;
        }

        @Override
        public void record(byte[] record) {
            String text = new String(record, StandardCharsets.UTF_8);
            raw.add(record);
            events.add("record " + text);
            Matcher m = SEQUENCE.matcher(text);
            if (m.lookingAt()) {
                next = Long.parseLong(m.group(1)) + 1;
            }
            if (failOn != null && text.contains(failOn)) {
                throw new IllegalStateException("a receiver bug");
            }
        }

        @Override
        public void lost() {
            events.add("lost");
        }

        @Override
        public void unavailable(String why) {
            events.add("unavailable " + why);
        }

        @Override
        public void streaming(KlogSyncer syncer) {
            syncers.add(syncer);
        }

        /** The next syncer handed over (one per KLOG request), waiting for it. */
        KlogSyncer syncer() throws InterruptedException {
            KlogSyncer next = syncers.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (next == null) {
                throw new AssertionError("no syncer reached the receiver within " + WAIT);
            }
            return next;
        }

        String next() throws InterruptedException {
            String event = events.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("nothing reached the receiver within " + WAIT);
            }
            return event;
        }
    }
}
