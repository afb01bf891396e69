package io.github.bootkernel.engine.kvm;

/**
 * The signal that kicks a vCPU out of {@code KVM_RUN}: a real-time signal the JVM does not use
 * (HotSpot uses SIGUSR2 and the classic signals; glibc reserves the first two real-time ones).
 */
final class KickSignal {

    private static final int OFFSET_FROM_SIGRTMIN = 6;
    private static final int NUMBER = Native.__libc_current_sigrtmin() + OFFSET_FROM_SIGRTMIN;

    private KickSignal() {
    }

    static int number() {
        return NUMBER;
    }
}
