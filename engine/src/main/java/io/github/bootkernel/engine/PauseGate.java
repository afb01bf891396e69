package io.github.bootkernel.engine;

import io.github.bootkernel.engine.kvm.Vcpu;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Pauses a machine's vCPUs and runs work on their own threads while they are held.
 *
 * <p>{@link #request()} asks every vCPU to stop; the machine then kicks them. A vCPU thread that
 * sees the request after a {@code KVM_RUN} that a kick ended ({@code INTERRUPTED}: api.rst, "the
 * corresponding operations are complete ... after userspace has re-entered the kernel with
 * KVM_RUN", so pending port I/O has completed and the vCPU's state is consistent) calls
 * {@link #hold}, which keeps it out of the guest and runs the tasks {@link #onEachVcpu} hands it
 * (vCPU ioctls belong on the vCPU's thread, api.rst section 1) until {@link #resume()} or the
 * guest's end. A vCPU whose last exit was not a kick re-kicks itself first
 * ({@link #mustHold(boolean)}). Every wait is bounded. Thread-safe.
 */
final class PauseGate {

    private final int vcpus;
    private volatile boolean requested;
    private int held;
    /** The task every held vCPU runs once, and each one's result; guarded by this. */
    private Function<Vcpu, Object> task;
    private Object[] results;
    private boolean[] done;
    private RuntimeException failure;

    /** @param vcpus how many vCPUs the machine has */
    PauseGate(int vcpus) {
        this.vcpus = vcpus;
    }

    /** Asks every vCPU to stop at its next return from {@code KVM_RUN}; the caller kicks them. */
    synchronized void request() {
        requested = true;
        notifyAll();
    }

    /**
     * On a vCPU thread after each exit: whether it must now {@link #hold}. If a pause is asked but
     * the exit was not a kick, the vCPU is kicked by itself so its next {@code KVM_RUN} completes
     * the exit's I/O and returns at once.
     *
     * @param interrupted whether the exit was {@code INTERRUPTED}
     * @param self the vCPU, to kick
     * @return true when it must hold now
     */
    boolean mustHold(boolean interrupted, Vcpu self) {
        if (!requested) {
            return false;
        }
        if (interrupted) {
            return true;
        }
        self.kick();
        return false;
    }

    /**
     * On a vCPU thread: holds it while the pause lasts, running each task handed out.
     *
     * @param index the vCPU's index
     * @param vcpu the vCPU
     * @param ended whether the guest has ended (then the hold ends, so the machine can close)
     */
    void hold(int index, Vcpu vcpu, BooleanSupplier ended) {
        synchronized (this) {
            held++;
            notifyAll();
        }
        try {
            while (true) {
                Function<Vcpu, Object> work;
                synchronized (this) {
                    while (requested && !ended.getAsBoolean() && (task == null || done[index])) {
                        waitBriefly();
                    }
                    if (!requested || ended.getAsBoolean()) {
                        return;
                    }
                    work = task;
                }
                Object result = null;
                RuntimeException failed = null;
                try {
                    result = work.apply(vcpu);
                } catch (RuntimeException e) {
                    failed = e;
                }
                synchronized (this) {
                    if (task == work) {
                        results[index] = result;
                        done[index] = true;
                        if (failed != null && failure == null) {
                            failure = failed;
                        }
                        notifyAll();
                    }
                }
            }
        } finally {
            synchronized (this) {
                held--;
                notifyAll();
            }
        }
    }

    /**
     * Waits until every vCPU is held.
     *
     * @param deadline {@link System#nanoTime()} by which to give up
     * @param ended whether the guest has ended (then no vCPU will arrive)
     * @return whether all are held
     * @throws InterruptedException if the waiting thread is interrupted
     */
    synchronized boolean awaitHeld(long deadline, BooleanSupplier ended) throws InterruptedException {
        while (held < vcpus && !ended.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
        }
        return held == vcpus;
    }

    /**
     * Runs {@code work} on every held vCPU's thread, in parallel, and collects the results by
     * vCPU index.
     *
     * @param work what to run; its first exception is rethrown here
     * @param deadline {@link System#nanoTime()} by which to give up
     * @return the results, vCPU 0 first
     * @throws MachineException if a vCPU does not finish by the deadline
     * @throws InterruptedException if the waiting thread is interrupted
     */
    @SuppressWarnings("unchecked")
    synchronized <T> List<T> onEachVcpu(Function<Vcpu, T> work, long deadline) throws InterruptedException {
        task = (Function<Vcpu, Object>) work;
        results = new Object[vcpus];
        done = new boolean[vcpus];
        failure = null;
        notifyAll();
        try {
            while (!allDone()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || held < vcpus) {
                    throw new MachineException("a paused vCPU did not finish its part of the snapshot"
                            + (held < vcpus ? " (the guest ended)" : " in time"), null);
                }
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            if (failure != null) {
                throw failure;
            }
            List<T> out = new ArrayList<>(vcpus);
            for (Object r : results) {
                out.add((T) r);
            }
            return out;
        } finally {
            task = null;
        }
    }

    private boolean allDone() {
        for (boolean d : done) {
            if (!d) {
                return false;
            }
        }
        return true;
    }

    /** Lets every held vCPU run the guest again. */
    synchronized void resume() {
        requested = false;
        notifyAll();
    }

    /** Waits up to 100 ms for a change; the guest's end is polled, not signalled, so this bounds it. */
    private void waitBriefly() {
        try {
            wait(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("a held vCPU thread was interrupted", e);
        }
    }
}
