package io.github.bootkernel.engine.kvm;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The primitive encoding of a snapshot file's state section, read back by {@link SnapshotInput}:
 * big-endian integers ({@link DataOutputStream}), a boolean as one byte 0 or 1, and a byte array,
 * string or array of numbers as its length (an {@code int}, {@code -1} for null) then its
 * elements, a string as UTF-8. Not thread-safe.
 */
public final class SnapshotOutput {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    private final DataOutputStream out = new DataOutputStream(bytes);

    /** Writes an {@code int}. */
    public SnapshotOutput writeInt(int value) {
        try {
            out.writeInt(value);
        } catch (IOException e) {
            throw new UncheckedIOException("a ByteArrayOutputStream does not fail", e);
        }
        return this;
    }

    /** Writes a {@code long}. */
    public SnapshotOutput writeLong(long value) {
        try {
            out.writeLong(value);
        } catch (IOException e) {
            throw new UncheckedIOException("a ByteArrayOutputStream does not fail", e);
        }
        return this;
    }

    /** Writes a boolean as one byte, 1 or 0. */
    public SnapshotOutput writeBoolean(boolean value) {
        bytes.write(value ? 1 : 0);
        return this;
    }

    /** Writes a byte array's length, or -1 for null, then its bytes. */
    public SnapshotOutput writeBytes(byte[] value) {
        if (value == null) {
            return writeInt(-1);
        }
        writeInt(value.length);
        bytes.write(value, 0, value.length);
        return this;
    }

    /** Writes a string as its UTF-8 bytes ({@link #writeBytes}), or -1 for null. */
    public SnapshotOutput writeString(String value) {
        return writeBytes(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes an int array's length, or -1 for null, then its elements. */
    public SnapshotOutput writeInts(int[] values) {
        if (values == null) {
            return writeInt(-1);
        }
        writeInt(values.length);
        for (int v : values) {
            writeInt(v);
        }
        return this;
    }

    /** Writes a long array's length, or -1 for null, then its elements. */
    public SnapshotOutput writeLongs(long[] values) {
        if (values == null) {
            return writeInt(-1);
        }
        writeInt(values.length);
        for (long v : values) {
            writeLong(v);
        }
        return this;
    }

    /** @return the bytes written so far */
    public byte[] toByteArray() {
        return bytes.toByteArray();
    }
}
