package io.github.bootkernel.engine.agent.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * A one-way in-memory byte stream with a bounded buffer, like a transport with backpressure:
 * a write blocks while the buffer is full, a read while it is empty. Closing the write end ends
 * the stream after what is buffered; closing the read end makes reads and writes fail at once.
 * A blocked read or write ends with an {@link InterruptedIOException} when its thread is
 * interrupted. Unlike {@link java.io.PipedInputStream}, it does not care which threads use it.
 */
final class BytePipe {

    private final byte[] ring;
    private int head;
    private int size;
    private boolean writerClosed;
    private boolean readerClosed;
    private long passed;
    private int waitingReaders;

    /** @param capacity the buffer's size */
    BytePipe(int capacity) {
        this.ring = new byte[capacity];
    }

    /** @return bytes read from the pipe so far */
    synchronized long passed() {
        return passed;
    }

    /** @return bytes waiting in the buffer */
    synchronized int buffered() {
        return size;
    }

    /**
     * Waits until a reader waits for bytes with none buffered, as {@code SerialChannel}'s does for a
     * snapshot: then the reader has handled everything it read.
     *
     * @param timeout how long at most
     * @return whether it does
     */
    synchronized boolean awaitReaderWaiting(java.time.Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (waitingReaders == 0 || size > 0) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Ends the stream for its reader after what is buffered. */
    synchronized void closeWriter() {
        writerClosed = true;
        notifyAll();
    }

    /** Makes reads and writes fail at once. */
    synchronized void closeReader() {
        readerClosed = true;
        notifyAll();
    }

    final InputStream in = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            synchronized (BytePipe.this) {
                while (size == 0) {
                    if (readerClosed) {
                        throw new IOException("pipe closed");
                    }
                    if (writerClosed) {
                        return -1;
                    }
                    waitingReaders++;
                    BytePipe.this.notifyAll();
                    try {
                        pause();
                    } finally {
                        waitingReaders--;
                    }
                }
                if (readerClosed) {
                    throw new IOException("pipe closed");
                }
                int n = Math.min(len, Math.min(size, ring.length - head));
                System.arraycopy(ring, head, b, off, n);
                head = (head + n) % ring.length;
                size -= n;
                passed += n;
                BytePipe.this.notifyAll();
                return n;
            }
        }

        @Override
        public void close() {
            closeReader();
        }
    };

    final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (BytePipe.this) {
                while (len > 0) {
                    if (readerClosed || writerClosed) {
                        throw new IOException("pipe closed");
                    }
                    if (size == ring.length) {
                        pause();
                        continue;
                    }
                    int tail = (head + size) % ring.length;
                    int n = Math.min(len, Math.min(ring.length - size, ring.length - tail));
                    System.arraycopy(b, off, ring, tail, n);
                    size += n;
                    off += n;
                    len -= n;
                    BytePipe.this.notifyAll();
                }
            }
        }

        @Override
        public void close() {
            closeWriter();
        }
    };

    /** Waits for a change; the caller holds the monitor. */
    private void pause() throws InterruptedIOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }
}
