package io.github.bootkernel.engine;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Hand-assembled 32-bit guests that use COM2 (0x2f8), for tests and measurements of its byte
 * streams on any KVM, the build machines' PVM included. Their code is loaded and entered at
 * 0x100000 with the boot GDT (code 0x10, data 0x18), as {@link TinyGuests#bzImage} arranges.
 */
final class SerialGuests {

    private static final int LOAD_ADDRESS = 0x100000;
    /** Where the interrupt-driven guest's stack starts, above its code and within RAM. */
    private static final int STACK_TOP = 0x10000;
    /** The interrupt-driven writer's variables, in a page of their own above the stack. */
    private static final int REMAINING = LOAD_ADDRESS + 0x20000;
    private static final int PATTERN = REMAINING + 4;
    private static final int COM2 = 0x2f8;
    private static final int RBR_THR = COM2;
    private static final int IER = COM2 + 1;
    private static final int FCR = COM2 + 2;
    private static final int LSR = COM2 + 5;
    private static final int LSR_DR = 0x01;
    private static final int LSR_THRE = 0x20;

    private SerialGuests() {
    }

    /**
     * An agent's HELLO frame as docs/guest-agent-protocol.md has it, for a guest to send on COM2:
     * versions 2 to {@code maxVersion}, 65,536 bytes of payload at most, the agent's name.
     */
    static byte[] hello(String agentName, int maxVersion) {
        byte[] name = agentName.getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(2 + 2 + 4 + 2 + name.length).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 2).putShort((short) maxVersion).putInt(65_536).putShort((short) name.length)
                .put(name);
        ByteBuffer frame = ByteBuffer.allocate(12 + payload.capacity() + 4).order(ByteOrder.LITTLE_ENDIAN);
        frame.put((byte) 0xBC).put((byte) 0x4B).put((byte) 0x01).put((byte) 0).putInt(0).putInt(payload.capacity())
                .put(payload.array());
        CRC32 crc = new CRC32();
        crc.update(frame.array(), 2, 10 + payload.capacity());
        frame.putInt((int) crc.getValue());
        return frame.array();
    }

    /**
     * Echoes what it receives on COM2 back to COM2, byte by byte, polling: FIFOs on, ERBFI set
     * (so the held input reaches it) with its own interrupts off, THRE awaited before each byte.
     */
    static byte[] pollingEcho() {
        Code c = new Code();
        c.outByte(FCR, 0x01);
        c.outByte(IER, 0x01);
        c.label("next");
        c.awaitLsr(LSR_DR, "waitData");
        c.movDx(RBR_THR).emit(0xec) // in al, dx
                .emit(0x88, 0xc3); // mov bl, al
        c.awaitLsr(LSR_THRE, "waitThre");
        c.movDx(RBR_THR).emit(0x88, 0xd8) // mov al, bl
                .emit(0xee); // out dx, al
        c.jmp("next");
        return c.bytes();
    }

    /**
     * Echoes what it receives on COM2 back to COM2, driven by COM2's interrupt: the handler moves
     * every received byte to THR (waiting for THRE before each), acknowledges the PIC and returns
     * to {@code hlt}.
     */
    static byte[] interruptEcho() {
        Code c = new Code();
        c.interruptsFromCom2();
        c.outByte(FCR, 0x01);
        c.outByte(IER, 0x01);
        c.emit(0xfb); // sti
        c.label("idle");
        c.emit(0xf4); // hlt
        c.jmp("idle");

        c.label("handler");
        c.label("more");
        c.movDx(LSR).emit(0xec).emit(0xa8, LSR_DR); // in al, dx; test al, DR
        c.jz("done");
        c.movDx(RBR_THR).emit(0xec).emit(0x88, 0xc3); // in al, dx; mov bl, al
        c.awaitLsr(LSR_THRE, "thre");
        c.movDx(RBR_THR).emit(0x88, 0xd8).emit(0xee); // mov al, bl; out dx, al
        c.jmp("more");
        c.label("done");
        c.resumeIdle();
        c.interruptTable();
        return c.bytes();
    }

    /**
     * Writes {@code bursts} × 16 bytes to COM2 as Linux's 8250 driver does, driven by the THRE
     * interrupt: ETBEI stays set; each interrupt reads IIR, and if LSR shows THRE writes the next
     * 16 bytes, or clears ETBEI once all are written. Byte {@code i} is {@code i & 0xff}.
     * Once everything is written it reports exit status 0 at once, with the last bytes still in
     * the UART's FIFO if the host had no room for them.
     *
     * <p>The handler returns to the idle loop without {@code iret} (see {@link Code#resumeIdle()}).
     */
    static byte[] interruptWriter(int bursts) {
        Code c = new Code();
        c.interruptsFromCom2();
        c.emit(0xc7, 0x05).emit32(REMAINING).emit32(bursts); // mov dword [REMAINING], bursts
        c.emit(0xc7, 0x05).emit32(PATTERN).emit32(0); // mov dword [PATTERN], 0
        c.outByte(FCR, 0x01);
        c.outByte(IER, 0x02); // ETBEI: THRE pends at once
        c.emit(0xfb); // sti
        c.label("idle");
        c.emit(0xa1).emit32(REMAINING).emit(0x85, 0xc0); // mov eax, [remaining]; test eax, eax
        c.jz("finish");
        c.emit(0xf4); // hlt
        c.jmp("idle");
        c.label("finish");
        c.emit(TinyGuests.exitWith(0));

        c.label("handler");
        c.movDx(COM2 + 2).emit(0xec); // in al, dx: IIR, acknowledging THRE
        c.movDx(LSR).emit(0xec).emit(0xa8, LSR_THRE);
        c.jz("done");
        c.emit(0xa1).emit32(REMAINING).emit(0x85, 0xc0); // mov eax, [remaining]; test eax, eax
        c.jz("stop");
        c.emit(0xff, 0x0d).emit32(REMAINING); // dec dword [remaining]
        c.emit(0x8a, 0x1d).emit32(PATTERN); // mov bl, [pattern]
        c.movDx(RBR_THR);
        c.emit(0xb9).emit32(16); // mov ecx, 16
        c.label("byte");
        c.emit(0x88, 0xd8).emit(0xee).emit(0xfe, 0xc3); // mov al, bl; out dx, al; inc bl
        c.loop("byte");
        c.emit(0x88, 0x1d).emit32(PATTERN); // mov [pattern], bl
        c.jmp("done");
        c.label("stop");
        c.outByte(IER, 0x00); // all written: ETBEI off, as serial8250_tx_chars's __stop_tx
        c.label("done");
        c.resumeIdle();

        c.interruptTable();
        return c.bytes();
    }

    /**
     * Writes {@code bursts} × 16 bytes to COM2 as Linux's 8250 driver transmits, polling instead
     * of taking interrupts: FIFOs on; wait for THRE, then write 16 bytes, each with its own
     * {@code out}. Byte {@code i} is {@code i & 0xff}. Then reports exit status 0.
     */
    static byte[] writer(int bursts) {
        Code c = new Code();
        c.outByte(FCR, 0x01);
        c.emit(0xb9).emit32(bursts); // mov ecx, bursts
        c.emit(0x30, 0xdb); // xor bl, bl
        c.label("burst");
        c.awaitLsr(LSR_THRE, "thre");
        c.movDx(RBR_THR);
        for (int i = 0; i < 16; i++) {
            c.emit(0x88, 0xd8).emit(0xee).emit(0xfe, 0xc3); // mov al, bl; out dx, al; inc bl
        }
        c.emit(0x49); // dec ecx
        c.jnz("burst");
        c.emit(TinyGuests.exitWith(0));
        return c.bytes();
    }

    /**
     * As {@link #writer(int)}, but each burst of 16 bytes is one {@code rep outsb}, which KVM
     * reports as one exit.
     */
    static byte[] stringWriter(int bursts) {
        Code c = new Code();
        c.outByte(FCR, 0x01);
        c.emit(0xbf).emit32(bursts); // mov edi, bursts
        c.emit(0x31, 0xdb); // xor ebx, ebx
        c.label("burst");
        c.awaitLsr(LSR_THRE, "thre");
        c.movDx(RBR_THR);
        c.emit(0xb9).emit32(16); // mov ecx, 16
        c.emit(0x89, 0xde); // mov esi, ebx
        c.emit(0x81, 0xe6).emit32(0xf0); // and esi, 0xf0
        c.emit(0x81, 0xc6).absolute("table"); // add esi, table
        c.emit(0xf3, 0x6e); // rep outsb
        c.emit(0x83, 0xc3, 0x10); // add ebx, 16
        c.emit(0x4f); // dec edi
        c.jnz("burst");
        c.emit(TinyGuests.exitWith(0));
        c.label("table");
        for (int i = 0; i < 256; i++) {
            c.emit(i);
        }
        return c.bytes();
    }

    /**
     * Writes {@code message} to COM2 (waiting for THRE before each byte), then reads
     * {@code inputBytes} bytes from it (polling, ERBFI set), then reports exit status
     * {@code status}: a stand-in for an agent that says HELLO and goes away in the middle of a
     * request.
     */
    static byte[] sendReadExit(byte[] message, int inputBytes, int status) {
        Code c = new Code();
        c.outByte(IER, 0x01);
        for (int i = 0; i < message.length; i++) {
            c.awaitLsr(LSR_THRE, "thre" + i);
            c.movDx(RBR_THR).emit(0xb0, message[i], 0xee); // mov al, imm8; out dx, al
        }
        c.emit(0xb9).emit32(inputBytes); // mov ecx, inputBytes
        c.label("receive");
        c.awaitLsr(LSR_DR, "data");
        c.movDx(RBR_THR).emit(0xec); // in al, dx
        c.emit(0x49); // dec ecx
        c.jnz("receive");
        c.emit(TinyGuests.exitWith(status));
        return c.bytes();
    }

    /** A little assembler: bytes, labels, 8-bit relative jumps and absolute addresses. */
    private static final class Code {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final Map<String, Integer> labels = new HashMap<>();
        private final Map<Integer, String> rel8 = new HashMap<>();
        private final Map<Integer, String> rel32 = new HashMap<>();
        private final Map<Integer, String> abs32 = new HashMap<>();

        Code emit(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Code emit(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        Code emit32(int value) {
            return emit(value, value >> 8, value >> 16, value >>> 24);
        }

        void label(String name) {
            labels.put(name, out.size());
        }

        int offsetOf(String name) {
            return labels.get(name);
        }

        void align(int to) {
            while (out.size() % to != 0) {
                out.write(0x90);
            }
        }

        /** mov dx, port. */
        Code movDx(int port) {
            return emit(0x66, 0xba, port, port >> 8);
        }

        /** mov dx, port; mov al, value; out dx, al. */
        Code outByte(int port, int value) {
            return movDx(port).emit(0xb0, value, 0xee);
        }

        /** mov al, value; out imm8, al. */
        Code outImm(int port, int value) {
            return emit(0xb0, value, 0xe6, port);
        }

        /** mov dx, LSR; loop: in al, dx; test al, bit; jz loop. */
        void awaitLsr(int bit, String loop) {
            movDx(LSR);
            label(loop);
            emit(0xec, 0xa8, bit);
            jz(loop);
        }

        /**
         * Sets a stack (the boot protocol sets none), routes COM2's IRQ 3 through the master PIC
         * to vector 0x23 with every other IRQ masked, and loads the IDT of {@link #interruptTable()}.
         */
        void interruptsFromCom2() {
            emit(0xbc).emit32(LOAD_ADDRESS + STACK_TOP); // mov esp, imm32
            // ICW1 edge, cascade, ICW4; ICW2 vectors from 0x20; ICW3 slave on IRQ 2; ICW4 8086 mode.
            outImm(0x20, 0x11).outImm(0x21, 0x20).outImm(0x21, 0x04).outImm(0x21, 0x01);
            outImm(0x21, 0xf7).outImm(0xa1, 0xff); // OCW1: only IRQ 3
            emit(0x0f, 0x01, 0x1d).absolute("idtr"); // lidt [idtr]
        }

        /**
         * Ends an interrupt handler without {@code iret}, which PVM's emulation of 32-bit guests
         * cannot run (KVM's instruction emulator has no protected-mode {@code iret}): EOI to the
         * master PIC, drop the interrupted frame (the stack starts afresh), {@code sti}, and jump
         * to the label "idle". So the interrupted code must be an idle loop that can restart at
         * any instruction.
         */
        void resumeIdle() {
            outImm(0x20, 0x20);
            emit(0xbc).emit32(LOAD_ADDRESS + STACK_TOP); // mov esp, imm32
            emit(0xfb); // sti
            emit(0xe9);
            rel32.put(out.size(), "idle");
            emit32(0);
        }

        /** The IDT: vectors 0x20-0x2f (every PIC IRQ) to the label "handler", the rest absent; then its descriptor. */
        void interruptTable() {
            int vectors = 0x30;
            align(8);
            label("idt");
            int handler = LOAD_ADDRESS + offsetOf("handler");
            for (int v = 0; v < vectors; v++) {
                if (v >= 0x20) {
                    emit32((handler & 0xffff) | (0x10 << 16)); // offset 15..0, selector __BOOT_CS
                    emit32((handler & 0xffff0000) | 0x8e00); // present, DPL 0, 32-bit interrupt gate
                } else {
                    emit32(0).emit32(0);
                }
            }
            label("idtr");
            int limit = vectors * 8 - 1;
            emit(limit, limit >> 8).emit32(LOAD_ADDRESS + offsetOf("idt"));
        }

        void jmp(String target) {
            jump(0xeb, target);
        }

        void jz(String target) {
            jump(0x74, target);
        }

        void jnz(String target) {
            jump(0x75, target);
        }

        /** loop: dec ecx; jnz. */
        void loop(String target) {
            jump(0xe2, target);
        }

        /** A 32-bit absolute address of a label (resolved in {@link #bytes()}). */
        Code absolute(String target) {
            abs32.put(out.size(), target);
            return emit32(0);
        }

        private void jump(int opcode, String target) {
            emit(opcode);
            rel8.put(out.size(), target);
            emit(0);
        }

        byte[] bytes() {
            byte[] code = out.toByteArray();
            rel8.forEach((at, target) -> {
                int distance = labels.get(target) - (at + 1);
                if (distance < -128 || distance > 127) {
                    throw new IllegalStateException("jump to " + target + " out of range: " + distance);
                }
                code[at] = (byte) distance;
            });
            rel32.forEach((at, target) -> {
                int distance = labels.get(target) - (at + 4);
                for (int i = 0; i < 4; i++) {
                    code[at + i] = (byte) (distance >> (8 * i));
                }
            });
            abs32.forEach((at, target) -> {
                int address = LOAD_ADDRESS + labels.get(target);
                for (int i = 0; i < 4; i++) {
                    code[at + i] = (byte) (address >> (8 * i));
                }
            });
            return code;
        }
    }
}
