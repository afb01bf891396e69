package io.github.bootkernel.engine.console.internal;

/**
 * A fixed-size FIFO of bytes: the console's raw output waiting for its consumer. A byte that does
 * not fit is refused, never blocks and never grows the buffer. Not thread-safe: the owner guards
 * every call.
 */
final class ByteRing {

    private final byte[] data;
    /** Index of the oldest byte. */
    private int head;
    private int size;

    /**
     * Creates an empty ring.
     *
     * @param capacity how many bytes it holds, at least 1; allocated at once
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     */
    ByteRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.data = new byte[capacity];
    }

    /** @return how many bytes it holds at most */
    int capacity() {
        return data.length;
    }

    /** @return how many bytes wait in it */
    int size() {
        return size;
    }

    /**
     * Appends a byte unless the ring is full. O(1).
     *
     * @param b the byte, in the low 8 bits
     * @return {@code false} if it was full and the byte was refused
     */
    boolean offer(int b) {
        if (size == data.length) {
            return false;
        }
        int tail = head + size;
        data[tail < data.length ? tail : tail - data.length] = (byte) b;
        size++;
        return true;
    }

    /**
     * Moves the oldest bytes, as many as fit, into {@code into}.
     *
     * @param into receives the bytes from index 0
     * @return how many bytes were moved
     */
    int poll(byte[] into) {
        int n = Math.min(size, into.length);
        int first = Math.min(n, data.length - head);
        System.arraycopy(data, head, into, 0, first);
        System.arraycopy(data, 0, into, first, n - first);
        head = (head + n) % data.length;
        size -= n;
        return n;
    }

    /**
     * Empties the ring.
     *
     * @return how many bytes were thrown away
     */
    int clear() {
        int n = size;
        head = 0;
        size = 0;
        return n;
    }
}
