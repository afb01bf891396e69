package io.github.bootkernel.engine.console.internal;

import java.util.ArrayList;
import java.util.Collection;

/**
 * The lines a history keeps, oldest first: appended at the end, evicted at the front, read by
 * position. They sit in chunks of {@value #CHUNK} slots, so a line's slot costs one reference
 * (4 bytes with compressed references), no array ever grows large or keeps slack, and the only
 * fixed cost is at most two partly used chunks. Every operation is O(1), except that dropping an
 * emptied chunk costs O(number of chunks), once per {@value #CHUNK} evictions. Not thread-safe.
 */
final class LineList {

    /** Slots per chunk. */
    static final int CHUNK = 1024;

    private final ArrayList<String[]> chunks = new ArrayList<>();
    /** Position of the oldest line in the first chunk. */
    private int head;
    private int size;

    /** @return how many lines it holds */
    int size() {
        return size;
    }

    /**
     * Appends a line.
     *
     * @param line the line
     */
    void add(String line) {
        int slot = head + size;
        if (slot == chunks.size() * CHUNK) {
            chunks.add(new String[CHUNK]);
        }
        chunks.get(slot / CHUNK)[slot % CHUNK] = line;
        size++;
    }

    /**
     * Removes the oldest line.
     *
     * @return the line removed
     * @throws IllegalStateException if it is empty
     */
    String removeFirst() {
        if (size == 0) {
            throw new IllegalStateException("no line to remove");
        }
        String[] first = chunks.get(0);
        String line = first[head];
        first[head] = null;
        head++;
        size--;
        if (size == 0) {
            chunks.clear();
            head = 0;
        } else if (head == CHUNK) {
            chunks.remove(0);
            head = 0;
        }
        return line;
    }

    /**
     * Returns the line at a position.
     *
     * @param index from 0 (the oldest) to {@code size() - 1}
     * @return the line
     */
    String get(int index) {
        int slot = head + index;
        return chunks.get(slot / CHUNK)[slot % CHUNK];
    }

    /**
     * Appends the lines at positions {@code from} (inclusive) to {@code to} (exclusive) to
     * {@code into}, oldest first.
     *
     * @param from the first position
     * @param to the position after the last
     * @param into receives the lines
     */
    void copy(int from, int to, Collection<String> into) {
        for (int i = from; i < to; i++) {
            into.add(get(i));
        }
    }
}
