package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.agent.internal.ChannelState;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots of machines with the guest agent ({@link MachineConfig#agent()}) on the real
 * {@code /dev/kvm} (the build machines' PVM included), with hand-assembled guests that write an
 * agent's HELLO, whole or in part, to COM2 and never read: the channel's state is captured at the
 * snapshot, COM2's input queue keeps what the host wrote, and a clone's client puts its RESEED
 * behind it, before any caller's request. The agent's side in a real guest is {@code SnapshotAgentIT}'s.
 */
class MachineSnapshotAgentTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int COM2 = 0x2f8;
    private static final int WELCOME_BYTES = 12 + 6 + 4;
    private static final int KLOG_BYTES = 12 + 8 + 4;
    private static final int RESEED_BYTES = 12 + 8 + 64 + 4;

    @TempDir
    Path dir;

    @Test
    void aGuestWhoseAgentHasNotSaidHelloIsSnapshottedWithThePartOfHelloItWrote() throws Exception {
        byte[] hello = hello();
        try (Machine source = start(Arrays.copyOf(hello, 10))) {
            source.console().awaitLine(Pattern.compile("R"), WAIT).orElseThrow();
            try (Snapshot snapshot = source.snapshot()) {
                ChannelState state = snapshot.agentState();
                assertThat(state.connected()).isFalse();
                assertThat(state.partialFrame()).isEqualTo(Arrays.copyOf(hello, 10));
                assertThat(state.partialOffset()).isZero();
                assertThat(snapshot.com2().hostQueue()).as("nothing sent before HELLO").isEmpty();
                try (Machine clone = snapshot.restore()) {
                    assertThat(clone.agent().isConnected()).isFalse();
                    assertThatThrownBy(() -> clone.agent().awaitConnected(Duration.ofMillis(300)))
                            .isInstanceOf(AgentException.class).hasMessageContaining("no HELLO");
                    assertThat(clone.com2().uart().pendingInput()).isZero();
                }
            }
        }
    }

    @Test
    void aConnectedChannelsFramesStayInCom2AndTheClonesReseedFollowsThem() throws Exception {
        try (Machine source = start(hello())) {
            source.console().awaitLine(Pattern.compile("R"), WAIT).orElseThrow();
            source.agent().awaitConnected(WAIT);
            // WELCOME and KLOG wait in COM2's input queue: this guest never reads.
            long until = System.nanoTime() + WAIT.toNanos();
            while (source.com2().uart().pendingInput() < WELCOME_BYTES + KLOG_BYTES && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            try (Snapshot snapshot = source.snapshot()) {
                ChannelState state = snapshot.agentState();
                assertThat(state.connected()).isTrue();
                assertThat(state.agent()).isEqualTo("tiny agent");
                assertThat(state.version()).isEqualTo(3);
                assertThat(state.klogId()).isNotZero();
                assertThat(state.outgoing()).isEmpty();
                byte[] queued = snapshot.com2().hostQueue();
                assertThat(queued).hasSize(WELCOME_BYTES + KLOG_BYTES);
                assertThat(queued[2]).as("WELCOME").isEqualTo((byte) 0x02);
                assertThat(queued[WELCOME_BYTES + 2]).as("KLOG").isEqualTo((byte) 0x40);
                assertThatThrownBy(() -> source.agent().exec(Exec.of("true"))).isInstanceOf(AgentException.class)
                        .hasMessageContaining("snapshotted");

                try (Machine clone = snapshot.restore()) {
                    byte[] cloneQueue = awaitQueued(clone, WELCOME_BYTES + KLOG_BYTES + RESEED_BYTES);
                    assertThat(Arrays.copyOf(cloneQueue, queued.length)).as("the snapshot's bytes first")
                            .isEqualTo(queued);
                    assertThat(cloneQueue[queued.length + 2]).as("then RESEED").isEqualTo((byte) 0x50);
                    assertThat(clone.agent().isConnected()).as("not before the RESEED's answer").isFalse();
                    assertThatThrownBy(() -> clone.agent().exec(Exec.of("true").timeout(Duration.ofMillis(300))))
                            .isInstanceOf(AgentException.class).hasMessageContaining("did not answer the clone's RESEED");
                    assertThat(clone.kernelLog().isAvailable()).isFalse();
                }
            }
        }
    }

    @Test
    void aConnectedChannelsStateSurvivesASnapshotFileAndItsClonesReseedFollowsTheSavedFrames() throws Exception {
        Path file = dir.resolve("agent.snapshot");
        ChannelState saved;
        byte[] queued;
        MachineConfig config;
        try (Machine source = start(hello())) {
            config = source.config();
            source.console().awaitLine(Pattern.compile("R"), WAIT).orElseThrow();
            source.agent().awaitConnected(WAIT);
            awaitQueued(source, WELCOME_BYTES + KLOG_BYTES);
            try (Snapshot snapshot = source.snapshot()) {
                saved = snapshot.agentState();
                queued = snapshot.com2().hostQueue();
                snapshot.save(file);
            }
        }
        try (Snapshot loaded = Snapshot.load(file, config)) {
            assertThat(loaded.agentState()).isEqualTo(saved);
            assertThat(loaded.agentState().connected()).isTrue();
            assertThat(loaded.com2().hostQueue()).isEqualTo(queued);
            assertThat(loaded.kernelLog()).isNotNull();
            try (Machine clone = loaded.restore()) {
                byte[] cloneQueue = awaitQueued(clone, WELCOME_BYTES + KLOG_BYTES + RESEED_BYTES);
                assertThat(Arrays.copyOf(cloneQueue, queued.length)).isEqualTo(queued);
                assertThat(cloneQueue[queued.length + 2]).as("then RESEED").isEqualTo((byte) 0x50);
            }
        }
    }

    /**
     * Writes {@code bytes} to COM2 one {@code out} each, prints "R" on COM1 and spins:
     * <pre>
     *     mov $0x2f8,%dx; mov $b0,%al; out %al,%dx; ...; mov $0x3f8,%dx; mov $'R',%al; out %al,%dx; ...
     * </pre>
     */
    private Machine start(byte[] bytes) throws Exception {
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        code.writeBytes(new byte[] {0x66, (byte) 0xba, (byte) COM2, (byte) (COM2 >> 8)});
        for (byte b : bytes) {
            code.write(0xb0);
            code.write(b);
            code.write(0xee);
        }
        byte[] program = TinyGuests.printThen("R\r\n", TinyGuests.SPIN);
        code.writeBytes(program);
        return Machine.start(MachineConfig.builder(TinyGuests.write(dir, "hello", code.toByteArray())).memoryMiB(32)
                .agent(true).build());
    }

    /** HELLO for versions 2 to 3, agent "tiny agent". */
    private static byte[] hello() {
        return SerialGuests.hello("tiny agent", 3);
    }

    private static byte[] awaitQueued(Machine machine, int bytes) throws InterruptedException {
        long until = System.nanoTime() + WAIT.toNanos();
        while (true) {
            byte[] queued = machine.com2().uart().save().hostQueue();
            if (queued.length >= bytes || System.nanoTime() > until) {
                assertThat(queued).hasSize(bytes);
                return queued;
            }
            Thread.sleep(10);
        }
    }
}
