package io.github.bootkernel.engine.kvm;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link SnapshotOutput} wrote, from bytes that may be damaged: every length is checked
 * against a limit the caller gives and against the bytes left before anything is allocated, and
 * every failure is a {@link Malformed} that says what was being read and at which offset. Reads
 * only Java heap memory. Not thread-safe.
 */
public final class SnapshotInput {

    /** The encoded bytes do not decode as expected: too short, a length out of its range, a bad value. */
    public static final class Malformed extends RuntimeException {

        private static final long serialVersionUID = 1L;

        /**
         * @param message what is wrong, and where
         */
        public Malformed(String message) {
            super(message);
        }
    }

    private final ByteBuffer in;

    /**
     * @param bytes the encoded state; not copied, not changed
     */
    public SnapshotInput(byte[] bytes) {
        this.in = ByteBuffer.wrap(bytes); // big-endian, as DataOutputStream writes
    }

    /** @return the next {@code int} */
    public int readInt(String what) {
        try {
            return in.getInt();
        } catch (BufferUnderflowException e) {
            throw truncated(what, 4);
        }
    }

    /** @return the next {@code long} */
    public long readLong(String what) {
        try {
            return in.getLong();
        } catch (BufferUnderflowException e) {
            throw truncated(what, 8);
        }
    }

    /** @return an {@code int} in {@code [min, max]} */
    public int readInt(String what, int min, int max) {
        int at = in.position();
        int v = readInt(what);
        if (v < min || v > max) {
            throw new Malformed(what + " at offset " + at + " is " + v + ", outside " + min + ".." + max);
        }
        return v;
    }

    /** @return a {@code long} in {@code [min, max]} */
    public long readLong(String what, long min, long max) {
        int at = in.position();
        long v = readLong(what);
        if (v < min || v > max) {
            throw new Malformed(what + " at offset " + at + " is " + v + ", outside " + min + ".." + max);
        }
        return v;
    }

    /** @return a boolean: one byte, 0 or 1 */
    public boolean readBoolean(String what) {
        int at = in.position();
        byte b;
        try {
            b = in.get();
        } catch (BufferUnderflowException e) {
            throw truncated(what, 1);
        }
        if (b != 0 && b != 1) {
            throw new Malformed(what + " at offset " + at + " is " + b + ", not a boolean (0 or 1)");
        }
        return b == 1;
    }

    /**
     * @param maxLength the most bytes the array may have
     * @return the array, or null if null was written
     */
    public byte[] readBytes(String what, int maxLength) {
        int n = length(what, maxLength, 1);
        if (n < 0) {
            return null;
        }
        byte[] out = new byte[n];
        in.get(out);
        return out;
    }

    /**
     * @param length the array's only valid length
     * @return the array, or null if null was written
     */
    public byte[] readBytesOfLength(String what, int length) {
        int at = in.position();
        byte[] out = readBytes(what, length);
        if (out != null && out.length != length) {
            throw new Malformed(what + " at offset " + at + " has " + out.length + " bytes, not " + length);
        }
        return out;
    }

    /**
     * @param maxBytes the most UTF-8 bytes the string may have
     * @return the string, or null if null was written
     */
    public String readString(String what, int maxBytes) {
        int at = in.position();
        byte[] b = readBytes(what, maxBytes);
        if (b == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed(what + " at offset " + at + " is not UTF-8: " + e);
        }
    }

    /** @return a string that must not be null */
    public String readRequiredString(String what, int maxBytes) {
        int at = in.position();
        String s = readString(what, maxBytes);
        if (s == null) {
            throw new Malformed(what + " at offset " + at + " is null");
        }
        return s;
    }

    /**
     * @param maxLength the most elements
     * @return the array, or null if null was written
     */
    public int[] readInts(String what, int maxLength) {
        int n = length(what, maxLength, 4);
        if (n < 0) {
            return null;
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = in.getInt();
        }
        return out;
    }

    /**
     * @param maxLength the most elements
     * @return the array, or null if null was written
     */
    public long[] readLongs(String what, int maxLength) {
        int n = length(what, maxLength, 8);
        if (n < 0) {
            return null;
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = in.getLong();
        }
        return out;
    }

    /** @return how many bytes are left unread */
    public int remaining() {
        return in.remaining();
    }

    /**
     * Checks that every byte was read.
     *
     * @throws Malformed if bytes are left
     */
    public void expectEnd(String what) {
        if (in.hasRemaining()) {
            throw new Malformed(in.remaining() + " bytes follow " + what + " at offset " + in.position());
        }
    }

    /** Reads a length: -1 (null) or 0..maxLength, whose elements of elementBytes each are all still there. */
    private int length(String what, int maxLength, int elementBytes) {
        int at = in.position();
        int n = readInt(what + "'s length");
        if (n < -1 || n > maxLength) {
            throw new Malformed(what + " at offset " + at + " has length " + n + ", outside -1.." + maxLength);
        }
        if (n > 0 && (long) n * elementBytes > in.remaining()) {
            throw new Malformed(what + " at offset " + at + " has length " + n + " but only " + in.remaining()
                    + " bytes follow");
        }
        return n;
    }

    private Malformed truncated(String what, int bytes) {
        return new Malformed("the state ends at offset " + in.position() + " in " + what + " (" + bytes
                + " bytes expected, " + in.remaining() + " left)");
    }
}
