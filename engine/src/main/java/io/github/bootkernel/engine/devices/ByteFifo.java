package io.github.bootkernel.engine.devices;

/** A fixed-capacity FIFO of bytes, for the UART's queues. Not thread-safe: the owner guards it. */
final class ByteFifo {
    private final byte[] buffer;
    private int head;
    private int size;

    ByteFifo(int capacity) {
        buffer = new byte[capacity];
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    int free() {
        return buffer.length - size;
    }

    void add(byte value) {
        if (size == buffer.length) {
            throw new IllegalStateException("full");
        }
        buffer[(head + size) % buffer.length] = value;
        size++;
    }

    /** @return the oldest byte, 0..255, without removing it */
    int peek() {
        if (size == 0) {
            throw new IllegalStateException("empty");
        }
        return buffer[head] & 0xFF;
    }

    byte remove() {
        if (size == 0) {
            throw new IllegalStateException("empty");
        }
        byte value = buffer[head];
        head = (head + 1) % buffer.length;
        size--;
        return value;
    }

    void clear() {
        head = 0;
        size = 0;
    }

    /** @return the bytes held, oldest first, as a new array */
    byte[] toArray() {
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            out[i] = buffer[(head + i) % buffer.length];
        }
        return out;
    }

    /**
     * Replaces the content with {@code bytes}, oldest first.
     *
     * @throws IllegalArgumentException if they do not fit
     */
    void replaceWith(byte[] bytes) {
        if (bytes.length > buffer.length) {
            throw new IllegalArgumentException(bytes.length + " bytes for a FIFO of " + buffer.length);
        }
        clear();
        for (byte b : bytes) {
            add(b);
        }
    }
}
