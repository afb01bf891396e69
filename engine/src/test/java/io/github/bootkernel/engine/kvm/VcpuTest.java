package io.github.bootkernel.engine.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.MachineConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A vCPU on the real {@code /dev/kvm} (any KVM, PVM included: no guest code runs here): the kick
 * and what a closed vCPU does.
 */
class VcpuTest {

    @Test
    void aKickBeforeTheRunMakesItReturnInterrupted() {
        try (Kvm kvm = Kvm.open(MachineConfig.DEFAULT_KVM_DEVICE); Vm vm = kvm.createVm(); Vcpu vcpu = vm.createVcpu(0)) {
            vcpu.kick();
            assertThat(vcpu.run()).isSameAs(VcpuExit.INTERRUPTED);
        }
    }

    @Test
    void aClosedVcpuRefusesToRunAndIgnoresKicks() {
        try (Kvm kvm = Kvm.open(MachineConfig.DEFAULT_KVM_DEVICE); Vm vm = kvm.createVm()) {
            Vcpu vcpu = vm.createVcpu(0);
            vcpu.close();
            assertThatThrownBy(vcpu::run)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("vCPU 0 is closed");
            vcpu.kick();
            vcpu.close(); // idempotent
        }
    }

    @Test
    void kicksFromOtherThreadsRacingCloseNeverTouchTheUnmappedRunPage() throws Exception {
        int kickers = 3;
        ExecutorService pool = Executors.newFixedThreadPool(kickers);
        try (Kvm kvm = Kvm.open(MachineConfig.DEFAULT_KVM_DEVICE); Vm vm = kvm.createVm()) {
            for (int round = 0; round < 50; round++) {
                Vcpu vcpu = vm.createVcpu(round);
                AtomicBoolean stop = new AtomicBoolean();
                CountDownLatch started = new CountDownLatch(kickers);
                List<Future<Long>> kicks = new ArrayList<>();
                for (int t = 0; t < kickers; t++) {
                    kicks.add(pool.submit(() -> {
                        vcpu.kick();
                        long n = 1;
                        started.countDown();
                        while (!stop.get()) {
                            vcpu.kick();
                            n++;
                        }
                        return n;
                    }));
                }
                started.await();
                vcpu.close();
                stop.set(true);
                for (Future<Long> k : kicks) {
                    assertThat(k.get(10, TimeUnit.SECONDS)).isPositive();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
