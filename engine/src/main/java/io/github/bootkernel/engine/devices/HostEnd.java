package io.github.bootkernel.engine.devices;

/**
 * The host's end of a UART's line, flow-controlled in both directions: the transmitter hands the
 * guest's bytes over only as fast as this end takes them, and this end learns when the guest has
 * made room in the UART's host input queue.
 *
 * <p>A UART calls both methods with its own lock held, on whichever thread touched it: the vCPU
 * thread (register accesses), or a host thread ({@link Uart16550#resumeTransmit()},
 * {@link Uart16550#enqueueInput(byte[], int, int)}). Like an {@link InterruptLine}, an
 * implementation must return promptly, never block, and never call back into the UART, directly or
 * by waiting for a thread that does.
 */
public interface HostEnd {

    /**
     * Offers the next byte the guest transmitted.
     *
     * @param value the byte, 0..255
     * @return {@code true} if it was taken; {@code false} leaves it, and every byte after it, in the
     *     UART's transmit FIFO until {@link Uart16550#resumeTransmit()} offers them again
     */
    boolean offerOutput(int value);

    /**
     * Says that the UART's host input queue, which refused bytes since the last call, has at least
     * half of its {@link Uart16550#INPUT_QUEUE_CAPACITY} free again, because the guest read.
     */
    void inputRoom();
}
