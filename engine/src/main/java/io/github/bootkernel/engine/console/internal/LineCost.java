package io.github.bootkernel.engine.console.internal;

/**
 * What one line of a console's history holds on the heap, estimated for a 64-bit HotSpot JVM
 * with compressed references (the default for heaps below 32 GiB) and 8-byte object alignment:
 * <ul>
 *   <li>the {@code String}: a 12-byte header, its array reference, hash, coder and hash flag,
 *       {@value #STRING} bytes;</li>
 *   <li>its {@code byte[]}: a {@value #ARRAY_HEADER}-byte header, then one byte per char when
 *       every char is below U+0100 (compact strings store it as LATIN1) or else two (UTF-16),
 *       rounded up to a multiple of 8;</li>
 *   <li>its place in the history's {@link LineList}: {@value #SLOT} bytes, one reference.</li>
 * </ul>
 * The empty line is the one shared {@code ""} ({@link LineAssembler} makes it so): it holds only
 * its slot. Without compressed references the true figures are up to twice these.
 */
final class LineCost {

    /** A {@code String} object without its array, in bytes. */
    static final int STRING = 24;
    /** The header of a {@code byte[]}, in bytes. */
    static final int ARRAY_HEADER = 16;
    /** A line's slot in the history's list, in bytes. */
    static final int SLOT = 4;

    private LineCost() {
    }

    /**
     * Estimates the heap a history line holds. O(length of the line).
     *
     * @param line the line
     * @return its cost in bytes, at least {@value #SLOT}
     */
    static long of(String line) {
        int length = line.length();
        if (length == 0) {
            return SLOT;
        }
        long data = latin1(line) ? length : 2L * length;
        return STRING + align(ARRAY_HEADER + data) + SLOT;
    }

    /**
     * The cost of the longest line a console keeps in one piece: {@code maxLineLength} chars, none
     * of them LATIN1.
     *
     * @param maxLineLength the longest line, in chars
     * @return its cost in bytes
     */
    static long ofLongest(int maxLineLength) {
        return STRING + align(ARRAY_HEADER + 2L * maxLineLength) + SLOT;
    }

    private static boolean latin1(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) > 0xFF) {
                return false;
            }
        }
        return true;
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }
}
