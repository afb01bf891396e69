package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.kvm.MpState;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The halt watch without KVM: its decision from made-up vCPU states, and its schedule. */
class HaltWatchTest {

    private static final long IF = HaltWatch.RFLAGS_IF;

    private final Semaphore inspections = new Semaphore(0);
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicReference<String> line = new AtomicReference<>("reboot: System halted");
    private final HaltWatch watch = new HaltWatch(1, inspections::release, ended::get, line::get);

    @Test
    void onlyAVcpuHaltedWithInterruptsOffHasStoppedForGood() {
        assertThat(HaltWatch.haltedForGood(MpState.HALTED, 0x2)).isTrue();
        assertThat(HaltWatch.haltedForGood(MpState.HALTED, 0x2 | IF)).as("idle: an interrupt wakes it").isFalse();
        for (MpState state : MpState.values()) {
            if (state == MpState.UNINITIALIZED || state == MpState.INIT_RECEIVED) {
                assertThat(HaltWatch.haltedForGood(state, 0x2 | IF)).as("%s: never started", state).isTrue();
            } else if (state != MpState.HALTED) {
                assertThat(HaltWatch.haltedForGood(state, 0x2)).as("%s", state).isFalse();
            }
        }
    }

    @Test
    void aStoppedVcpuIsAPowerOffNamingTheKernelsLine() {
        assertThat(watch.inspect(0, MpState.HALTED, 0x46)).contains(GuestExit.of(GuestExit.Kind.POWEROFF,
                "reboot: System halted: the vCPU halted with interrupts off"));
        assertThat(watch.inspect(0, MpState.RUNNABLE, 0x46)).isEmpty();
        assertThat(watch.inspect(0, MpState.HALTED, 0x246)).isEmpty();
    }

    @Test
    void onSeveralVcpusOnlyTheLatestLookAtEveryOneHaltedIsAPowerOff() {
        HaltWatch three = new HaltWatch(3, () -> { }, ended::get, line::get);
        assertThat(three.inspect(0, MpState.HALTED, 0x46)).as("vCPU 0 halted, 1 and 2 not seen yet").isEmpty();
        assertThat(three.inspect(1, MpState.HALTED, 0x46)).isEmpty();
        assertThat(three.inspect(2, MpState.HALTED, 0x246)).as("vCPU 2 idle, an interrupt wakes it").isEmpty();
        assertThat(three.inspect(0, MpState.RUNNABLE, 0x46)).as("vCPU 0 woke (an NMI)").isEmpty();
        assertThat(three.inspect(2, MpState.HALTED, 0x46)).as("vCPU 0's latest look says running").isEmpty();
        assertThat(three.inspect(0, MpState.HALTED, 0x46)).contains(GuestExit.of(GuestExit.Kind.POWEROFF,
                "reboot: System halted: every vCPU halted with interrupts off or never started"));
    }

    @Test
    void applicationProcessorsTheKernelNeverStartedDoNotKeepAHaltedGuestRunning() {
        HaltWatch two = new HaltWatch(2, () -> { }, ended::get, line::get);
        assertThat(two.inspect(1, MpState.UNINITIALIZED, 0x2)).isEmpty();
        assertThat(two.inspect(0, MpState.HALTED, 0x46)).as("booted with nosmp, then halted").isPresent();
    }

    @Test
    void armedItAsksForTheVcpusStateSoonAndAgainUntilTheGuestEnds() throws InterruptedException {
        watch.arm();
        assertThat(inspections.tryAcquire(5, 1, TimeUnit.SECONDS)).as("five looks within a second").isTrue();
        ended.set(true);
        Thread.sleep(2 * HaltWatch.MAX_DELAY_MILLIS + 100);
        inspections.drainPermits();
        Thread.sleep(2 * HaltWatch.MAX_DELAY_MILLIS + 100);
        assertThat(inspections.availablePermits()).as("looks after the end").isZero();
    }

    @Test
    void armingAgainWhileWatchingStartsNoSecondSchedule() throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            watch.arm();
        }
        Thread.sleep(600);
        // One schedule: 1, 2, 4, ... 256 ms apart, so at most about 10 looks in 600 ms; a hundred
        // schedules would make hundreds.
        assertThat(inspections.availablePermits()).isBetween(1, 12);
        ended.set(true);
    }
}
