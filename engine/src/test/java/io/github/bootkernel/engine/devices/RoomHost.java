package io.github.bootkernel.engine.devices;

import java.io.ByteArrayOutputStream;

/** A UART's host end for tests: takes bytes while it has room, which the test hands out. */
final class RoomHost implements HostEnd {

    /** What the host took, in order. */
    final ByteArrayOutputStream taken;
    /** How many more bytes it takes. */
    int room;
    /** How many times the UART said its input queue has room again. */
    int inputRooms;

    RoomHost(ByteArrayOutputStream taken, int room) {
        this.taken = taken;
        this.room = room;
    }

    @Override
    public boolean offerOutput(int value) {
        if (room == 0) {
            return false;
        }
        room--;
        taken.write(value);
        return true;
    }

    @Override
    public void inputRoom() {
        inputRooms++;
    }
}
