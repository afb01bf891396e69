package io.github.bootkernel.engine.agent.internal;

import java.util.Arrays;

/**
 * One stream of a program's output as the host keeps it: the first {@code limit} bytes, in
 * order; the rest counted, not kept. Grows as output arrives. Not thread-safe.
 */
final class KeptOutput {

    private final int limit;
    private byte[] bytes = new byte[0];
    private int size;
    private long dropped;

    /** @param limit the most bytes kept */
    KeptOutput(int limit) {
        this.limit = limit;
    }

    /** @param chunk bytes that arrived; the part beyond the limit is counted */
    void add(byte[] chunk) {
        int keep = Math.min(chunk.length, limit - size);
        if (keep > 0) {
            if (size + keep > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max(size + keep, Math.max(4096L, 2L * bytes.length))));
            }
            System.arraycopy(chunk, 0, bytes, size, keep);
            size += keep;
        }
        dropped += chunk.length - keep;
    }

    /** @return the bytes kept, as a new array */
    byte[] kept() {
        return Arrays.copyOf(bytes, size);
    }

    /** @return the bytes counted but not kept */
    long dropped() {
        return dropped;
    }
}
