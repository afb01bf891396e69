package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The pause gate with plain threads standing in for vCPU threads (no KVM). */
class PauseGateTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void heldThreadsRunEachTaskOnTheirOwnThreadUntilResumed() throws Exception {
        PauseGate gate = new PauseGate(3);
        AtomicBoolean ended = new AtomicBoolean();
        assertThat(gate.mustHold(true, null)).as("no pause asked").isFalse();
        gate.request();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int index = i;
            Thread t = new Thread(() -> gate.hold(index, null, ended::get), "held-" + i);
            threads.add(t);
            t.start();
        }
        assertThat(gate.awaitHeld(System.nanoTime() + 5 * SECOND, ended::get)).isTrue();
        assertThat(gate.onEachVcpu(v -> Thread.currentThread().getName(), System.nanoTime() + 5 * SECOND))
                .containsExactly("held-0", "held-1", "held-2");
        assertThatThrownBy(() -> gate.onEachVcpu(v -> {
            throw new IllegalStateException("refused");
        }, System.nanoTime() + 5 * SECOND)).isInstanceOf(IllegalStateException.class).hasMessage("refused");
        gate.resume();
        for (Thread t : threads) {
            t.join(5000);
            assertThat(t.isAlive()).isFalse();
        }
    }

    @Test
    void theGuestsEndReleasesHeldThreadsAndFailsAWaitingSnapshot() throws Exception {
        PauseGate gate = new PauseGate(2);
        AtomicBoolean ended = new AtomicBoolean();
        gate.request();
        Thread t = new Thread(() -> gate.hold(0, null, ended::get));
        t.start();
        assertThat(gate.awaitHeld(System.nanoTime() + SECOND / 5, ended::get)).as("one of two held").isFalse();
        ended.set(true);
        t.join(5000);
        assertThat(t.isAlive()).as("the end lets a held thread go within its 100 ms poll").isFalse();
        assertThat(gate.awaitHeld(System.nanoTime() + 5 * SECOND, ended::get)).isFalse();
        assertThatThrownBy(() -> gate.onEachVcpu(v -> 1, System.nanoTime() + SECOND))
                .isInstanceOf(MachineException.class).hasMessageContaining("the guest ended");
    }
}
