package io.github.bootkernel.engine.kvm;

/**
 * A vCPU's multiprocessing state, {@code struct kvm_mp_state} as {@code KVM_GET_MP_STATE} reports
 * it ({@code Documentation/virt/kvm/api.rst} section 4.38), declared in code order so that each
 * constant's ordinal is its {@code KVM_MP_STATE_*} value.
 */
public enum MpState {
    /** {@code KVM_MP_STATE_RUNNABLE}: running or ready to run. */
    RUNNABLE,
    /** {@code KVM_MP_STATE_UNINITIALIZED}: an application processor waiting for INIT. */
    UNINITIALIZED,
    /** {@code KVM_MP_STATE_INIT_RECEIVED}: INIT received, waiting for SIPI. */
    INIT_RECEIVED,
    /** {@code KVM_MP_STATE_HALTED}: executed {@code HLT} and waits for an interrupt. */
    HALTED,
    /** {@code KVM_MP_STATE_SIPI_RECEIVED}: SIPI received. */
    SIPI_RECEIVED,
    /** {@code KVM_MP_STATE_STOPPED} (s390). */
    STOPPED,
    /** {@code KVM_MP_STATE_CHECK_STOP} (s390). */
    CHECK_STOP,
    /** {@code KVM_MP_STATE_OPERATING} (s390). */
    OPERATING,
    /** {@code KVM_MP_STATE_LOAD} (s390). */
    LOAD,
    /** {@code KVM_MP_STATE_AP_RESET_HOLD}: an SEV-ES application processor parked by its guest. */
    AP_RESET_HOLD,
    /** {@code KVM_MP_STATE_SUSPENDED} (arm64). */
    SUSPENDED,
    /** A value this table does not know. */
    UNKNOWN;

    private static final MpState[] BY_VALUE = values();

    /**
     * @param value a {@code KVM_MP_STATE_*} value
     * @return its constant, {@link #UNKNOWN} for a value this table does not know
     */
    static MpState of(int value) {
        return value >= 0 && value < UNKNOWN.ordinal() ? BY_VALUE[value] : UNKNOWN;
    }
}
