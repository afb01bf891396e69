package io.github.bootkernel.engine.serial;

import io.github.bootkernel.engine.devices.HostEnd;
import io.github.bootkernel.engine.devices.InterruptLine;
import io.github.bootkernel.engine.devices.Uart16550;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A guest's serial port as two blocking byte streams: {@link #fromGuest()} yields what the guest
 * transmits, {@link #toGuest()} queues bytes for the guest to receive. Nothing is lost in either
 * direction; each side waits for the other instead.
 *
 * <p><b>Guest to host.</b> The channel owns a {@link Uart16550} whose transmitter is flow-controlled
 * ({@link HostEnd}): the guest's bytes go into a buffer of {@value #OUTPUT_BUFFER_BYTES} bytes. The
 * vCPU thread never waits: when the buffer is full it refuses the byte, the UART keeps it in its
 * transmit FIFO with THRE clear, and the guest's driver waits for THRE. Once a read has freed half
 * the buffer, the reader resumes the UART's transmitter, whose THRE interrupt wakes the driver.
 *
 * <p><b>Host to guest.</b> Writes go into the UART's host queue of
 * {@value Uart16550#INPUT_QUEUE_CAPACITY} bytes, held until the guest's driver listens
 * ({@link Uart16550.HostInput#WHEN_LISTENING}); a writer waits while the queue is full, until the
 * guest has read half of it.
 *
 * <p><b>The end.</b> {@link #end(String)} says the guest has stopped: reads return what is buffered
 * (and what the UART still holds), then end of stream; writes and waiting writers fail with an
 * {@link IOException} naming the end. Every blocking call returns once the guest ends. Closing a
 * stream ends its own calls: after {@code fromGuest().close()} the guest's further output is
 * discarded, counted by {@link #discardedOutput()}, so a guest never waits for a reader that left.
 *
 * <p>Thread-safe. Each stream is meant for one thread at a time (writes are serialised, so
 * concurrent writers do not interleave within one {@code write} call).
 */
public final class SerialChannel {

    /** How many bytes of the guest's output wait for the reader before the guest is held back. */
    public static final int OUTPUT_BUFFER_BYTES = 64 * 1024;

    private final String name;
    private final Uart16550 uart;
    private final InputStream fromGuest = new FromGuest();
    private final OutputStream toGuest = new ToGuest();
    private final Object writeLock = new Object();
    private final Object lock = new Object();

    // Everything below is guarded by lock.
    private final byte[] buffer = new byte[OUTPUT_BUFFER_BYTES];
    private int head;
    private int size;
    /** The UART holds bytes the buffer refused; the reader resumes it once there is room. */
    private boolean outputRefused;
    private int waitingReaders;
    /** Threads in {@link #awaitReaderIdle}: a reader that starts waiting wakes them. */
    private int idleWatchers;
    /** Counts the UART's "input room" signals, so a writer cannot miss one. */
    private long inputRoomSignals;
    /** How the guest ended, once it has; {@code null} while it runs. */
    private String ended;
    private boolean readerClosed;
    private boolean writerClosed;
    private long discarded;

    /**
     * Creates the channel and its UART, in its power-on state.
     *
     * @param name the port, for messages, for example {@code "ttyS1"}
     * @param irq the UART's interrupt output (see {@link InterruptLine})
     */
    public SerialChannel(String name, InterruptLine irq) {
        this.name = Objects.requireNonNull(name, "name");
        this.uart = new Uart16550(irq, new Line(), Uart16550.HostInput.WHEN_LISTENING);
    }

    /** @return the UART to place on the port bus */
    public Uart16550 uart() {
        return uart;
    }

    /**
     * Returns what the guest transmits, in order, as it arrives. {@code read} blocks until a byte
     * is there, the guest has ended (end of stream once everything is read), the stream is closed,
     * or the thread is interrupted ({@link InterruptedIOException}, with the interrupt flag kept).
     *
     * @return the same stream on every call
     */
    public InputStream fromGuest() {
        return fromGuest;
    }

    /**
     * Returns the guest's input. {@code write} blocks while the UART's host queue is full, and
     * throws {@link IOException} once the guest has ended or the stream is closed, and
     * {@link InterruptedIOException} (with the interrupt flag kept) when the thread is interrupted.
     * {@code flush} does nothing: written bytes are in the UART's queue already.
     *
     * @return the same stream on every call
     */
    public OutputStream toGuest() {
        return toGuest;
    }

    /**
     * Says the guest has stopped: no more bytes will come from it or be read by it. Wakes every
     * blocked call. The first reason is kept; later calls do nothing.
     *
     * @param how how the guest ended, in words, for the writers' exceptions
     */
    public void end(String how) {
        synchronized (lock) {
            if (ended == null) {
                ended = Objects.requireNonNull(how, "how");
                lock.notifyAll();
            }
        }
    }

    /**
     * Waits until a reader of {@link #fromGuest()} waits for bytes with none to take: nothing is
     * buffered and the UART holds nothing the buffer refused. For a snapshot, while the guest is
     * held: then no byte can arrive, so the reader has consumed (and, if it handles each read
     * before the next, handled) everything the guest sent, and stays so until the guest runs again.
     *
     * @param timeout how long to wait at most
     * @return true once a reader waits so; false at the timeout, or once the guest ended or the
     *     stream was closed (no reader will ever wait then)
     * @throws InterruptedException if the thread is interrupted
     */
    public boolean awaitReaderIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.NANOSECONDS.convert(timeout); // saturates
        synchronized (lock) {
            idleWatchers++;
            try {
                while (waitingReaders == 0 || size > 0 || outputRefused) {
                    long left = deadline - System.nanoTime();
                    if (ended != null || readerClosed || left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
                return true;
            } finally {
                idleWatchers--;
            }
        }
    }

    /**
     * Returns how many bytes of the guest's output were thrown away because the reader had closed
     * {@link #fromGuest()}.
     *
     * @return the count, in bytes
     */
    public long discardedOutput() {
        synchronized (lock) {
            return discarded;
        }
    }

    /** The UART's host end: called with the UART's lock held, so it only touches this channel's state. */
    private final class Line implements HostEnd {
        @Override
        public boolean offerOutput(int value) {
            synchronized (lock) {
                if (readerClosed) {
                    discarded++;
                    return true;
                }
                if (size == buffer.length) {
                    outputRefused = true;
                    return false;
                }
                int tail = head + size;
                buffer[tail < buffer.length ? tail : tail - buffer.length] = (byte) value;
                size++;
                if (waitingReaders > 0) {
                    lock.notifyAll();
                }
                return true;
            }
        }

        @Override
        public void inputRoom() {
            synchronized (lock) {
                inputRoomSignals++;
                lock.notifyAll();
            }
        }
    }

    private final class FromGuest extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            while (true) {
                int n = 0;
                boolean resume;
                synchronized (lock) {
                    while (size == 0 && !outputRefused && ended == null && !readerClosed) {
                        waitingReaders++;
                        if (idleWatchers > 0) {
                            lock.notifyAll();
                        }
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new InterruptedIOException("interrupted while reading from " + name);
                        } finally {
                            waitingReaders--;
                        }
                    }
                    if (readerClosed) {
                        throw new IOException("the stream from " + name + " is closed");
                    }
                    if (size > 0) {
                        n = take(b, off, len);
                    } else if (!outputRefused) {
                        return -1; // the guest ended and everything it sent has been read
                    }
                    resume = outputRefused && buffer.length - size >= buffer.length / 2;
                    outputRefused &= !resume;
                }
                if (resume) {
                    uart.resumeTransmit(); // outside the lock: the UART calls back into the Line
                }
                if (n > 0) {
                    return n;
                }
            }
        }

        @Override
        public int available() {
            synchronized (lock) {
                return size;
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                readerClosed = true;
                discarded += size;
                size = 0;
                outputRefused = false;
                lock.notifyAll();
            }
            uart.resumeTransmit(); // what the UART holds is discarded too, so the guest goes on
        }

        /** Moves up to {@code len} buffered bytes into {@code b}; with the lock held and bytes buffered. */
        private int take(byte[] b, int off, int len) {
            int n = Math.min(size, len);
            int first = Math.min(n, buffer.length - head);
            System.arraycopy(buffer, head, b, off, first);
            System.arraycopy(buffer, 0, b, off + first, n - first);
            head = (head + n) % buffer.length;
            size -= n;
            return n;
        }
    }

    private final class ToGuest extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            synchronized (writeLock) {
                int written = 0;
                while (written < len) {
                    long seen;
                    synchronized (lock) {
                        checkWritable();
                        seen = inputRoomSignals;
                    }
                    int n = uart.enqueueInput(b, off + written, len - written);
                    written += n;
                    if (n == 0) {
                        awaitInputRoom(seen, written);
                    }
                }
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                writerClosed = true;
                lock.notifyAll();
            }
        }

        private void awaitInputRoom(long seen, int written) throws IOException {
            synchronized (lock) {
                while (inputRoomSignals == seen && ended == null && !writerClosed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        InterruptedIOException stop = new InterruptedIOException(
                                "interrupted while waiting for " + name + " to take input");
                        stop.bytesTransferred = written;
                        throw stop;
                    }
                }
            }
        }

        /** With the lock held. */
        private void checkWritable() throws IOException {
            if (writerClosed) {
                throw new IOException("the stream to " + name + " is closed");
            }
            if (ended != null) {
                throw new IOException("cannot write to " + name + ": the guest ended (" + ended + ")");
            }
        }
    }
}
