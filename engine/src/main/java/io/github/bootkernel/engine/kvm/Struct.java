package io.github.bootkernel.engine.kvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A kernel struct held in a zeroed, direct, native-order buffer whose address is what an ioctl
 * receives. Subclasses name the fields; this class only reads and writes them by offset.
 */
abstract class Struct {

    final ByteBuffer buffer;

    Struct(int size) {
        this.buffer = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }

    final int u8(int offset) {
        return Byte.toUnsignedInt(buffer.get(offset));
    }

    final void u8(int offset, int value) {
        buffer.put(offset, (byte) value);
    }

    final int u16(int offset) {
        return Short.toUnsignedInt(buffer.getShort(offset));
    }

    final void u16(int offset, int value) {
        buffer.putShort(offset, (short) value);
    }

    final int u32(int offset) {
        return buffer.getInt(offset);
    }

    final void u32(int offset, int value) {
        buffer.putInt(offset, value);
    }

    final long u64(int offset) {
        return buffer.getLong(offset);
    }

    final void u64(int offset, long value) {
        buffer.putLong(offset, value);
    }
}
