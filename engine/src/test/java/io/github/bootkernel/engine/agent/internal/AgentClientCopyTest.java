package io.github.bootkernel.engine.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.AgentException;
import io.github.bootkernel.engine.AgentException.Reason;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Copying files through the client against the fake agent: sizes around the frame size both
 * ways with their CRC-32 checked, DATA frames never above the maximum payload, permission bits,
 * refusals, a copy that does not check, a FILE larger than asked for, time limits, and that a
 * failed copy leaves neither a partial nor a temporary file.
 */
@Timeout(60)
class AgentClientCopyTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    private final FakeAgent agent = new FakeAgent();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private AgentClient client;
    @TempDir
    Path dir;

    @BeforeEach
    void connect() throws Exception {
        client = agent.connect(ExecCall.KILL_GRACE);
    }

    @AfterEach
    void close() {
        agent.close();
        pool.shutdownNow();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 65535, 65536, 65537, 3 * 1024 * 1024 + 17})
    void aFileGoesInAndComesBackUnchanged(int size) throws Exception {
        byte[] content = AgentClientExecTest.pattern(size, size);
        Path in = Files.write(dir.resolve("in.bin"), content);
        client.copyToGuest(in, "/tmp/file.bin", 0750, LIMIT);

        FakeAgent.StoredFile stored = agent.files.get("/tmp/file.bin");
        assertThat(stored.content()).isEqualTo(content);
        assertThat(stored.mode()).isEqualTo(0750);
        List<Frame> data = agent.received.stream().filter(f -> f.type() == FrameType.DATA).toList();
        assertThat(data).hasSize((size + 65535) / 65536).allMatch(f -> f.payload().length <= Frame.MAX_PAYLOAD)
                .allMatch(f -> f.payload().length > 0);
        Payloads.End end = Payloads.End.decode(agent.await(FrameType.END).payload());
        assertThat(end).isEqualTo(new Payloads.End(size, crc(content)));

        Path out = dir.resolve("out.bin");
        client.copyFromGuest("/tmp/file.bin", out, size, LIMIT);
        assertThat(Files.readAllBytes(out)).isEqualTo(content);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rwxr-x---");
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void aCopyOutReplacesTheHostFileWhole() throws Exception {
        agent.files.put("/etc/hostname", new FakeAgent.StoredFile("guest\n".getBytes(), 0644));
        Path out = Files.writeString(dir.resolve("hostname"), "old content, longer than the new\n");
        client.copyFromGuest("/etc/hostname", out, 100, LIMIT);
        assertThat(Files.readString(out)).isEqualTo("guest\n");
    }

    @Test
    void aMissingGuestDirectoryIsRefusedEarlyAndTheChannelGoesOn() throws Exception {
        Path in = Files.write(dir.resolve("in.bin"), new byte[1 << 20]);
        assertThatThrownBy(() -> client.copyToGuest(in, "/missing/dir/file", 0644, LIMIT))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.REQUEST_FAILED);
                    assertThat(e.errno()).hasValue(FakeAgent.ENOENT);
                })
                .hasMessage("cannot copy " + in + " to /missing/dir/file in the guest: the agent refused it: No such file"
                        + " or directory (errno 2)");
        // The PUT is ended on the wire too, so the agent forgets it. How much DATA went before the
        // refusal arrived is a race (all of it, on a loaded machine); the rule is that END says it.
        Frame end = agent.await(FrameType.END);
        assertThat(Payloads.End.decode(end.payload()).size()).isLessThanOrEqualTo(1 << 20);
        client.copyToGuest(in, "/tmp/ok", 0644, LIMIT);
        assertThat(agent.files).containsKey("/tmp/ok");
        assertThat(agent.fatal()).isNull();
    }

    @Test
    void aMissingOrTooLargeGuestFileIsRefusedWithTheHostFileUntouched() throws Exception {
        Path out = Files.writeString(dir.resolve("keep"), "keep");
        assertThatThrownBy(() -> client.copyFromGuest("/nope", out, 100, LIMIT))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.errno()).hasValue(FakeAgent.ENOENT))
                .hasMessage("cannot copy /nope from the guest to " + out + ": the agent refused it: No such file or"
                        + " directory (errno 2)");
        agent.files.put("/big", new FakeAgent.StoredFile(new byte[101], 0644));
        assertThatThrownBy(() -> client.copyFromGuest("/big", out, 100, LIMIT))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.errno()).hasValue(FakeAgent.EFBIG));
        assertThat(Files.readString(out)).isEqualTo("keep");
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void aCopyThatDoesNotCheckFailsAndLeavesNoFile() throws Exception {
        Path out = dir.resolve("out");
        ByHand get = copyOutByHand(out, LIMIT);
        Future<?> copy = get.copy();
        int id = get.id();
        agent.send(FrameType.FILE, id, new Payloads.FileInfo(0644, 3).encode());
        agent.send(FrameType.DATA, id, new byte[] {1, 2, 3});
        agent.send(FrameType.END, id, new Payloads.End(3, 12345).encode());
        assertThatThrownBy(() -> copy.get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.reason()).isEqualTo(Reason.REQUEST_FAILED))
                .hasMessage(String.format("cannot copy /f from the guest to %s: the copy does not check: FILE announced 3"
                        + " bytes, 3 arrived with CRC-32 0x%08x, END says 3 bytes with CRC-32 0x00003039", out,
                        crc(new byte[] {1, 2, 3})));
        assertThat(out).doesNotExist();
        assertThat(tempFiles()).isEmpty();
        assertThat(client.isConnected()).isTrue();
    }

    @Test
    void aFileLargerThanAskedForBreaksTheChannel() throws Exception {
        ByHand get = copyOutByHand(dir.resolve("out"), LIMIT);
        Future<?> copy = get.copy();
        int id = get.id();
        agent.send(FrameType.FILE, id, new Payloads.FileInfo(0644, 101).encode());
        assertThatThrownBy(() -> copy.get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CHANNEL_BROKEN))
                .hasMessageEndingWith("(type 0x21 FILE, request " + id + "): FILE announces 101 bytes, more than the 100"
                        + " the host asked for");
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void dataBeyondTheAnnouncedSizeBreaksTheChannel() throws Exception {
        ByHand get = copyOutByHand(dir.resolve("out"), LIMIT);
        Future<?> copy = get.copy();
        int id = get.id();
        agent.send(FrameType.FILE, id, new Payloads.FileInfo(0644, 2).encode());
        agent.send(FrameType.DATA, id, new byte[3]);
        assertThatThrownBy(() -> copy.get(5, TimeUnit.SECONDS)).cause()
                .hasMessageEndingWith("(type 0x22 DATA, request " + id + "): DATA beyond the 2 bytes FILE announced");
    }

    @Test
    void aCopyOutThatStallsEndsAtItsLimitAndLeavesNoFile() throws Exception {
        Path out = dir.resolve("out");
        long t0 = System.nanoTime();
        ByHand get = copyOutByHand(out, Duration.ofMillis(300));
        Future<?> copy = get.copy();
        int id = get.id();
        agent.send(FrameType.FILE, id, new Payloads.FileInfo(0644, 10).encode());
        agent.send(FrameType.DATA, id, new byte[4]);
        assertThatThrownBy(() -> copy.get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.reason()).isEqualTo(Reason.REQUEST_FAILED))
                .hasMessage("cannot copy /f from the guest to " + out + ": it did not finish within its time limit of 300 ms"
                        + " (4 bytes received)");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(tempFiles()).isEmpty();
        // the rest of its answer is absorbed: the channel goes on
        agent.send(FrameType.DATA, id, new byte[6]);
        agent.send(FrameType.END, id, new Payloads.End(10, crc(new byte[10])).encode());
        assertThat(client.exec(io.github.bootkernel.engine.agent.Exec.of("true")).succeeded()).isTrue();
        assertThat(out).doesNotExist();
        assertThat(client.isConnected()).isTrue();
    }

    @Test
    void aCopyInTheAgentNeverAnswersEndsAtItsLimit() throws Exception {
        agent.manual(FrameType.END);
        Path in = Files.write(dir.resolve("in"), new byte[10]);
        assertThatThrownBy(() -> client.copyToGuest(in, "/tmp/x", 0644, Duration.ofMillis(300)))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.reason()).isEqualTo(Reason.REQUEST_FAILED))
                .hasMessage("cannot copy " + in + " to /tmp/x in the guest: it did not finish within its time limit of"
                        + " 300 ms (10 of 10 bytes sent)");
    }

    @Test
    void anInterruptedCopyInEndsThePutOnTheWire() throws Exception {
        agent.manual(FrameType.END);
        Path in = Files.write(dir.resolve("in"), new byte[10]);
        Thread self = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                agent.await(FrameType.END);
                self.interrupt();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        interrupter.start();
        assertThatThrownBy(() -> client.copyToGuest(in, "/tmp/x", 0644, LIMIT)).isInstanceOf(InterruptedException.class);
        interrupter.join();
        agent.send(FrameType.DONE, agent.await(FrameType.END).requestId(), new byte[0]); // absorbed
        assertThat(client.exec(io.github.bootkernel.engine.agent.Exec.of("true")).succeeded()).isTrue();
    }

    @Test
    void hostFileProblemsAreUncheckedIoExceptionsAndSendNothing() throws Exception {
        assertThatThrownBy(() -> client.copyToGuest(dir.resolve("absent"), "/tmp/x", 0644, LIMIT))
                .isInstanceOf(UncheckedIOException.class).hasMessageStartingWith("cannot copy " + dir.resolve("absent"));
        assertThatThrownBy(() -> client.copyToGuest(dir, "/tmp/x", 0644, LIMIT))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("is not a regular file");
        assertThatThrownBy(() -> client.copyFromGuest("/f", dir.resolve("no/such/dir/f"), 10, LIMIT))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(agent.received).noneMatch(f -> f.type() == FrameType.PUT || f.type() == FrameType.GET);
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsSent() {
        Path any = dir.resolve("x");
        assertThatThrownBy(() -> client.copyToGuest(any, "relative", 0644, LIMIT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.copyFromGuest("relative", any, 1, LIMIT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.copyFromGuest("/x", any, -1, LIMIT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.copyFromGuest("/" + "x".repeat(4096), any, 1, LIMIT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A copy out of {@code /f}, at most 100 bytes, whose GET the test answers by hand. */
    private record ByHand(Future<?> copy, int id) {
    }

    private ByHand copyOutByHand(Path out, Duration limit) throws InterruptedException {
        agent.manual(FrameType.GET);
        Future<?> copy = pool.submit(() -> {
            client.copyFromGuest("/f", out, 100, limit);
            return null;
        });
        return new ByHand(copy, agent.await(FrameType.GET).requestId());
    }

    private List<Path> tempFiles() throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".bootkernel-tmp")).toList();
        }
    }

    static long crc(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b);
        return crc.getValue();
    }
}
