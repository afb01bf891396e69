package io.github.bootkernel.engine;

import io.github.bootkernel.engine.agent.internal.ChannelState;
import io.github.bootkernel.engine.boot.Layout;
import io.github.bootkernel.engine.devices.Uart16550;
import io.github.bootkernel.engine.kmsg.KernelLogGap;
import io.github.bootkernel.engine.kmsg.KernelRecord;
import io.github.bootkernel.engine.kmsg.internal.RecordLog;
import io.github.bootkernel.engine.kvm.KvmException;
import io.github.bootkernel.engine.kvm.KvmStateCodec;
import io.github.bootkernel.engine.kvm.MemoryFile;
import io.github.bootkernel.engine.kvm.SnapshotInput;
import io.github.bootkernel.engine.kvm.SnapshotOutput;
import io.github.bootkernel.engine.kvm.StateSupport;
import io.github.bootkernel.engine.kvm.VcpuState;
import io.github.bootkernel.engine.kvm.VmState;
import io.github.bootkernel.engine.memory.GuestMemory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * The snapshot file ({@link Snapshot#save}, {@link Snapshot#load}), format {@link Snapshot#FILE_FORMAT}:
 *
 * <pre>
 * offset        bytes  content
 * 0             8      magic: 0x89 'B' 'K' 'S' 'N' 'A' 'P' '\n'
 * 8             4      format version (big-endian, as every number here)
 * 12            4      S, the state's length in bytes, at most {@value #MAX_STATE}
 * 16            S      the state (below), encoded as {@link SnapshotOutput} says
 * 16 + S        32     SHA-256 of bytes [0, 16 + S); the state holds the data's CRC-32C
 * ...                  zeros up to D, the next multiple of 4096
 * D             ...    guest RAM's data: the state's runs of pages, back to back
 * </pre>
 *
 * The file ends right after the last run's bytes. The state: the host's identity, the guest's
 * configuration (what it saw of it), the RAM's regions, length and runs of data, the KVM state
 * (capabilities, VM, vCPUs), both UARTs, the CMOS index, the console's partial line, the agent
 * channel and the kernel log. Every length and value is checked when read, before anything is
 * allocated for it; the KVM structs must have their kernel sizes ({@link KvmStateCodec}); the runs
 * must lie inside the RAM in ascending order. The RAM's data is copied into a sealed memory file
 * with Java channels: reading a file never touches native memory.
 */
final class SnapshotFile {

    static final byte[] MAGIC = {(byte) 0x89, 'B', 'K', 'S', 'N', 'A', 'P', '\n'};
    static final int HEADER = 16;
    static final int DIGEST = 32;
    static final int MAX_STATE = 64 << 20;
    private static final int PAGE = (int) GuestMemory.PAGE;
    private static final int MAX_STRING = 16 << 20;
    private static final AtomicLong TEMPORARY = new AtomicLong();

    private SnapshotFile() {
    }

    /** Writes the snapshot (whose memory file the caller holds a reference to) to {@code file}, atomically. */
    static void write(Snapshot snapshot, Path file) {
        write(snapshot, file, HostIdentity.of(snapshot.config().kvmDevice()));
    }

    /** Writes the snapshot as taken on {@code host} by this engine: for tests of another host's file. */
    static void write(Snapshot snapshot, Path file, HostIdentity host) {
        write(snapshot, file, host, EngineBuild.digest());
    }

    /** Writes the snapshot as taken on {@code host} by the engine build {@code build}: for tests. */
    static void write(Snapshot snapshot, Path file, HostIdentity host, String build) {
        Objects.requireNonNull(file, "file");
        List<MemoryFile.Extent> extents;
        try {
            extents = snapshot.memoryFile().dataExtents();
        } catch (KvmException e) {
            throw new MachineException("saving " + snapshot + " to " + file + " failed: " + e.getMessage(), e);
        }
        // The state holds the data's CRC-32C, known only once the data is written: encode it with a
        // placeholder to learn its length (the CRC is a fixed 8 bytes), write the data after it,
        // then encode it again with the CRC and write it in front.
        int stateLength = encode(snapshot, host, build, extents, 0).length;
        if (stateLength > MAX_STATE) {
            throw new SnapshotFileException(file, SnapshotFileException.Reason.IO, "the state is " + stateLength
                    + " bytes, more than a file holds (" + MAX_STATE + ")", null);
        }
        long dataStart = roundUp(HEADER + (long) stateLength + DIGEST);
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + TEMPORARY.incrementAndGet());
        try {
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.position(dataStart);
                CRC32C crc = new CRC32C();
                snapshot.memoryFile().writeData(extents, out, crc);
                byte[] state = encode(snapshot, host, build, extents, crc.getValue());
                if (state.length != stateLength) {
                    throw new IllegalStateException("the state's length changed from " + stateLength + " to "
                            + state.length + " bytes with its data's CRC");
                }
                ByteBuffer head = ByteBuffer.allocate(HEADER + state.length + DIGEST);
                head.put(MAGIC).putInt(Snapshot.FILE_FORMAT).putInt(state.length).put(state);
                head.put(sha256(head.array(), HEADER + state.length));
                head.flip();
                while (head.hasRemaining()) {
                    out.write(head, head.position()); // the header's bytes at the same file offsets
                }
                if (out.size() < dataStart) { // no data at all: the file still reaches the data's start
                    out.write(ByteBuffer.allocate(1), dataStart - 1);
                }
                out.force(true);
            }
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("r--r--r--"));
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof KvmException k) {
                throw new MachineException("saving " + snapshot + " to " + file + " failed: " + k.getMessage(), k);
            }
            if (e instanceof IllegalStateException) {
                throw (RuntimeException) e;
            }
            throw new SnapshotFileException(file, SnapshotFileException.Reason.IO, "cannot write it: " + e, e);
        }
        snapshot.file(file);
    }

    /** Reads a snapshot file for a machine of {@code config}; see {@link Snapshot#load}. */
    static Snapshot read(Path file, MachineConfig config) {
        Objects.requireNonNull(config, "config");
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            ByteBuffer header = readFully(in, 0, HEADER, size, file);
            byte[] magic = new byte[MAGIC.length];
            header.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw corrupt(file, "not a snapshot file (its first bytes are not the magic 0x89 \"BKSNAP\\n\")");
            }
            int format = header.getInt();
            if (format != Snapshot.FILE_FORMAT) {
                throw new SnapshotFileException(file, SnapshotFileException.Reason.FORMAT, "format version " + format
                        + ", but this bootkernel reads version " + Snapshot.FILE_FORMAT, null);
            }
            int stateLength = header.getInt();
            if (stateLength < 0 || stateLength > MAX_STATE || HEADER + (long) stateLength + DIGEST > size) {
                throw corrupt(file, "a state of " + stateLength + " bytes does not fit a file of " + size + " bytes");
            }
            ByteBuffer rest = readFully(in, HEADER, stateLength + DIGEST, size, file);
            byte[] whole = new byte[HEADER + stateLength];
            header.get(0, whole, 0, HEADER);
            rest.get(0, whole, HEADER, stateLength);
            byte[] digest = new byte[DIGEST];
            rest.get(stateLength, digest);
            if (!MessageDigest.isEqual(digest, sha256(whole, whole.length))) {
                throw corrupt(file, "its state does not match its SHA-256 (the file is damaged)");
            }
            byte[] state = Arrays.copyOfRange(whole, HEADER, whole.length);
            Decoded d;
            try {
                d = decode(new SnapshotInput(state), file, config);
            } catch (SnapshotInput.Malformed | IllegalArgumentException e) {
                throw corrupt(file, "its state does not decode: " + e.getMessage());
            }
            long dataStart = roundUp(HEADER + (long) stateLength + DIGEST);
            long data = d.extents.stream().mapToLong(MemoryFile.Extent::length).sum();
            if (size != dataStart + data) {
                throw corrupt(file, "it has " + size + " bytes, but its state says " + (dataStart + data) + " ("
                        + data + " bytes of RAM from offset " + dataStart + ")");
            }
            MemoryFile memory;
            CRC32C crc = new CRC32C();
            try {
                memory = MemoryFile.readFrom(in, dataStart, d.extents, d.length, "guest RAM snapshot from "
                        + file.getFileName(), crc);
            } catch (KvmException e) {
                throw new MachineException("loading " + file + " failed: " + e.getMessage(), e);
            }
            if (crc.getValue() != d.dataCrc) {
                memory.release();
                throw corrupt(file, "its RAM data does not match its CRC-32C (the file is damaged): "
                        + Long.toHexString(crc.getValue()) + ", the state says " + Long.toHexString(d.dataCrc));
            }
            Snapshot snapshot;
            try {
                snapshot = new Snapshot(config, d.regions, memory, d.vm, d.vcpus, d.com1, d.com2, d.cmosIndex,
                        d.partialLine, d.consoleEndsInCr, d.support, d.agent, d.kernelLog);
            } catch (RuntimeException | Error e) {
                memory.release();
                throw e;
            }
            snapshot.loaded(file);
            return snapshot;
        } catch (NoSuchFileException e) {
            throw new SnapshotFileException(file, SnapshotFileException.Reason.MISSING, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new SnapshotFileException(file, SnapshotFileException.Reason.IO, "cannot read it: permission denied", e);
        } catch (IOException e) {
            throw new SnapshotFileException(file, SnapshotFileException.Reason.IO, "cannot read it: " + e, e);
        }
    }

    /** The state of a file, decoded and checked. */
    private record Decoded(List<GuestMemory.Region> regions, long length, List<MemoryFile.Extent> extents,
                           long dataCrc, StateSupport support, VmState vm, List<VcpuState> vcpus, Uart16550.State com1,
                           Uart16550.State com2, int cmosIndex, String partialLine, boolean consoleEndsInCr,
                           ChannelState agent, RecordLog.Saved kernelLog) {
    }

    static byte[] encode(Snapshot s, HostIdentity host, String build, List<MemoryFile.Extent> extents, long dataCrc) {
        SnapshotOutput out = new SnapshotOutput();
        out.writeString(build).writeString(host.digest()).writeString(host.description());
        MachineConfig c = s.config();
        out.writeString(c.cmdline()).writeInt(c.memoryMiB()).writeInt(c.cpus()).writeBoolean(c.agent())
                .writeBoolean(c.kernelLog()).writeString(c.readyLine().orElse(null))
                .writeString(c.kernel().toString()).writeString(c.initrd().map(Path::toString).orElse(null));
        out.writeInt(s.regions().size());
        for (GuestMemory.Region r : s.regions()) {
            out.writeLong(r.guestAddress()).writeLong(r.size()).writeLong(r.hostOffset());
        }
        out.writeLong(s.memoryFile().length()).writeInt(extents.size());
        for (MemoryFile.Extent e : extents) {
            out.writeLong(e.offset()).writeLong(e.length());
        }
        out.writeLong(dataCrc);
        KvmStateCodec.write(out, s.support());
        KvmStateCodec.write(out, s.vmState());
        out.writeInt(s.vcpus().size());
        for (VcpuState v : s.vcpus()) {
            KvmStateCodec.write(out, v);
        }
        writeUart(out, s.com1());
        writeUart(out, s.com2());
        out.writeInt(s.cmosIndex()).writeString(s.partialLine()).writeBoolean(s.consoleEndsInCr());
        ChannelState a = s.agentState();
        out.writeBoolean(a != null);
        if (a != null) {
            out.writeInt(a.sessionId()).writeString(a.agent()).writeInt(a.version()).writeInt(a.nextId())
                    .writeInt(a.klogId()).writeInt(a.pendingSyncs()).writeBytes(a.partialFrame())
                    .writeLong(a.partialOffset());
            List<byte[]> outgoing = a.outgoing();
            out.writeInt(outgoing.size());
            for (byte[] frame : outgoing) {
                out.writeBytes(frame);
            }
        }
        RecordLog.Saved log = s.kernelLog();
        out.writeBoolean(log != null);
        if (log != null) {
            out.writeInt(log.records().size());
            for (KernelRecord r : log.records()) {
                out.writeLong(r.sequence()).writeInt(r.level()).writeInt(r.facility()).writeLong(r.timestampMicros())
                        .writeBoolean(r.continuation()).writeString(r.message()).writeInt(r.dictionary().size());
                for (Map.Entry<String, String> e : r.dictionary().entrySet()) {
                    out.writeString(e.getKey()).writeString(e.getValue());
                }
            }
            out.writeInt(log.gaps().size());
            for (KernelLogGap g : log.gaps()) {
                out.writeLong(g.first()).writeLong(g.next());
            }
            out.writeLong(log.lost()).writeLong(log.evicted()).writeLong(log.malformed()).writeLong(log.expected())
                    .writeString(log.unavailable());
        }
        return out.toByteArray();
    }

    private static void writeUart(SnapshotOutput out, Uart16550.State u) {
        out.writeBytes(u.hostQueue()).writeBytes(u.rxFifo()).writeBytes(u.txFifo()).writeInts(u.registers())
                .writeBoolean(u.fifosEnabled()).writeBoolean(u.thrEmptyPending()).writeInt(u.lineErrors())
                .writeInt(u.modemDeltas()).writeBoolean(u.irqLevel()).writeLong(u.transmitOverruns())
                .writeBoolean(u.inputRefused());
    }

    private static Decoded decode(SnapshotInput in, Path file, MachineConfig config) {
        String build = in.readRequiredString("the engine's build", 64);
        if (!build.equals(EngineBuild.digest())) {
            throw new SnapshotFileException(file, SnapshotFileException.Reason.FORMAT, "written by another build of"
                    + " the bootkernel engine (classes " + build + "; this one's are " + EngineBuild.digest()
                    + "): a clone would carry that build's guest into this one's tests", null);
        }
        String hostDigest = in.readRequiredString("the host's identity", 64);
        String hostDescription = in.readRequiredString("the host's description", MAX_STRING);
        HostIdentity here = HostIdentity.of(config.kvmDevice());
        if (!here.digest().equals(hostDigest)) {
            throw new SnapshotFileException(file, SnapshotFileException.Reason.OTHER_HOST, "taken on another host: "
                    + hostDescription + " (identity " + hostDigest + "); this one is " + here, null);
        }
        String cmdline = in.readRequiredString("the command line", MAX_STRING);
        int memoryMiB = in.readInt("the memory size", 1, Integer.MAX_VALUE);
        int cpus = in.readInt("the vCPU count", 1, 1024);
        boolean agent = in.readBoolean("the agent flag");
        boolean kernelLog = in.readBoolean("the kernel log flag");
        String readyLine = in.readString("the ready line", MAX_STRING);
        String kernel = in.readRequiredString("the kernel's path", MAX_STRING);
        String initrd = in.readString("the initramfs's path", MAX_STRING);
        List<String> differences = new ArrayList<>();
        differ(differences, "command line", cmdline, config.cmdline());
        differ(differences, "memory (MiB)", memoryMiB, config.memoryMiB());
        differ(differences, "vCPUs", cpus, config.cpus());
        differ(differences, "guest agent", agent, config.agent());
        differ(differences, "kernel log", kernelLog, config.kernelLog());
        differ(differences, "ready line", Optional.ofNullable(readyLine), config.readyLine());
        if (!differences.isEmpty()) {
            throw new SnapshotFileException(file, SnapshotFileException.Reason.OTHER_CONFIG, "taken of a guest of kernel "
                    + kernel + (initrd == null ? "" : " and initramfs " + initrd) + " whose configuration differs: "
                    + String.join("; ", differences), null);
        }
        int regionCount = in.readInt("the number of RAM regions", 1, 2);
        List<GuestMemory.Region> regions = new ArrayList<>();
        for (int i = 0; i < regionCount; i++) {
            regions.add(new GuestMemory.Region(in.readLong("a region's address"), in.readLong("a region's size"),
                    in.readLong("a region's host offset")));
        }
        long ramBytes = (long) memoryMiB << 20;
        if (!regions.equals(Layout.ram(ramBytes))) {
            throw new SnapshotInput.Malformed("RAM regions " + regions + " for " + memoryMiB + " MiB, not "
                    + Layout.ram(ramBytes));
        }
        long length = in.readLong("the RAM's length", ramBytes, ramBytes);
        int extentCount = in.readInt("the number of runs of RAM data", 0, (int) Math.min(Integer.MAX_VALUE,
                length / PAGE));
        List<MemoryFile.Extent> extents = new ArrayList<>(Math.min(extentCount, 1 << 16));
        long previousEnd = -1;
        for (int i = 0; i < extentCount; i++) {
            long offset = in.readLong("a run's offset", 0, length - PAGE);
            long size = in.readLong("a run's length", PAGE, length - offset);
            if (offset % PAGE != 0 || size % PAGE != 0 || offset <= previousEnd) {
                throw new SnapshotInput.Malformed("run " + i + " of RAM data [" + offset + ", +" + size
                        + ") is not page-aligned, or not after the run before it, which ends at " + previousEnd);
            }
            extents.add(new MemoryFile.Extent(offset, size));
            previousEnd = offset + size;
        }
        long dataCrc = in.readLong("the RAM data's CRC-32C", 0, 0xffffffffL);
        StateSupport support = KvmStateCodec.readSupport(in);
        VmState vm = KvmStateCodec.readVm(in, support);
        in.readInt("the number of vCPU states", cpus, cpus);
        List<VcpuState> vcpus = new ArrayList<>();
        for (int i = 0; i < cpus; i++) {
            vcpus.add(KvmStateCodec.readVcpu(in, support));
        }
        Uart16550.State com1 = readUart(in, "COM1");
        Uart16550.State com2 = readUart(in, "COM2");
        int cmosIndex = in.readInt("the CMOS index", 0, 0x7f);
        String partialLine = in.readRequiredString("the console's partial line", MAX_STRING);
        boolean endsInCr = in.readBoolean("the console's CR flag");
        ChannelState channel = null;
        if (in.readBoolean("the agent channel's presence")) {
            int sessionId = in.readInt("the agent session", 0, Integer.MAX_VALUE);
            String name = in.readRequiredString("the agent's name", MAX_STRING);
            int version = in.readInt("the protocol version", 0, Integer.MAX_VALUE);
            int nextId = in.readInt("the next request id");
            int klogId = in.readInt("the KLOG request id");
            int syncs = in.readInt("the pending SYNCs", 0, Integer.MAX_VALUE);
            byte[] partial = in.readBytes("the partial frame", MAX_STRING);
            long partialOffset = in.readLong("the partial frame's offset", 0, Long.MAX_VALUE);
            int frames = in.readInt("the number of frames to send", 0, in.remaining() / 4);
            List<byte[]> outgoing = new ArrayList<>();
            for (int i = 0; i < frames; i++) {
                outgoing.add(required(in.readBytes("a frame to send", MAX_STRING), "a frame to send"));
            }
            channel = new ChannelState(sessionId, name, version, nextId, klogId, syncs,
                    required(partial, "the partial frame"), partialOffset, outgoing);
        }
        if (channel != null && !agent) {
            throw new SnapshotInput.Malformed("an agent channel's state for a guest without the agent");
        }
        RecordLog.Saved kernelLogState = null;
        if (in.readBoolean("the kernel log's presence")) {
            int count = in.readInt("the number of kernel records", 0, in.remaining() / 8);
            List<KernelRecord> records = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long sequence = in.readLong("a record's sequence number");
                int level = in.readInt("a record's level");
                int facility = in.readInt("a record's facility");
                long micros = in.readLong("a record's timestamp");
                boolean continuation = in.readBoolean("a record's continuation flag");
                String message = in.readRequiredString("a record's message", MAX_STRING);
                int entries = in.readInt("a record's dictionary size", 0, in.remaining() / 8);
                Map<String, String> dictionary = new LinkedHashMap<>();
                for (int j = 0; j < entries; j++) {
                    dictionary.put(in.readRequiredString("a dictionary key", MAX_STRING),
                            in.readRequiredString("a dictionary value", MAX_STRING));
                }
                records.add(new KernelRecord(sequence, level, facility, micros, continuation, message, dictionary));
            }
            int gapCount = in.readInt("the number of kernel log gaps", 0, in.remaining() / 16);
            List<KernelLogGap> gaps = new ArrayList<>(gapCount);
            for (int i = 0; i < gapCount; i++) {
                gaps.add(new KernelLogGap(in.readLong("a gap's first record"), in.readLong("a gap's next record")));
            }
            kernelLogState = new RecordLog.Saved(records, gaps, in.readLong("lost records", 0, Long.MAX_VALUE),
                    in.readLong("evicted records", 0, Long.MAX_VALUE), in.readLong("malformed records", 0,
                    Long.MAX_VALUE), in.readLong("the expected record", 0, Long.MAX_VALUE),
                    in.readString("why the log was unavailable", MAX_STRING));
        }
        in.expectEnd("the kernel log");
        return new Decoded(List.copyOf(regions), length, List.copyOf(extents), dataCrc, support, vm,
                List.copyOf(vcpus), com1, com2, cmosIndex, partialLine, endsInCr, channel, kernelLogState);
    }

    private static Uart16550.State readUart(SnapshotInput in, String name) {
        Uart16550.State state = new Uart16550.State(
                required(in.readBytes(name + "'s host queue", MAX_STRING), name + "'s host queue"),
                required(in.readBytes(name + "'s receive FIFO", MAX_STRING), name + "'s receive FIFO"),
                required(in.readBytes(name + "'s transmit FIFO", MAX_STRING), name + "'s transmit FIFO"),
                required(in.readInts(name + "'s registers", 6), name + "'s registers"),
                in.readBoolean(name + "'s FIFO flag"), in.readBoolean(name + "'s THRE flag"),
                in.readInt(name + "'s line errors"), in.readInt(name + "'s modem deltas"),
                in.readBoolean(name + "'s interrupt level"), in.readLong(name + "'s transmit overruns", 0, Long.MAX_VALUE),
                in.readBoolean(name + "'s input flag"));
        // The device model checks what it restores (FIFO and queue sizes, the register count): a
        // scratch UART, never wired to anything, does that check now, so a bad file is refused
        // here, not when a clone starts.
        new Uart16550(level -> { }, b -> { }).restore(state);
        return state;
    }

    private static <T> T required(T value, String what) {
        if (value == null) {
            throw new SnapshotInput.Malformed(what + " is missing");
        }
        return value;
    }

    private static void differ(List<String> differences, String what, Object saved, Object asked) {
        if (!saved.equals(asked)) {
            differences.add(what + " " + quote(saved) + " in the file, " + quote(asked) + " asked for");
        }
    }

    private static String quote(Object value) {
        Object v = value instanceof Optional<?> o ? o.orElse(null) : value;
        return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
    }

    private static ByteBuffer readFully(FileChannel in, long position, int length, long size, Path file)
            throws IOException {
        if (position + length > size) {
            throw corrupt(file, "it ends at byte " + size + ", before the " + length + " bytes at " + position);
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (in.read(b, position + b.position()) < 0) {
                throw corrupt(file, "it ended while being read, at byte " + (position + b.position()));
            }
        }
        return b.flip();
    }

    private static SnapshotFileException corrupt(Path file, String detail) {
        return new SnapshotFileException(file, SnapshotFileException.Reason.CORRUPT, detail, null);
    }

    private static long roundUp(long n) {
        return (n + PAGE - 1) / PAGE * PAGE;
    }

    private static byte[] sha256(byte[] bytes, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, 0, length);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256 (MessageDigest's specification)", e);
        }
    }
}
