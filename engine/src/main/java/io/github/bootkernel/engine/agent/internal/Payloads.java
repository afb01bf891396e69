package io.github.bootkernel.engine.agent.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The payload of each frame type with fields ({@code docs/guest-agent-protocol.md}, "Frame
 * types"): a record per type that encodes itself and decodes and checks the wire bytes. The
 * records check their values (ranges, limits) when made, so a decoded payload is a valid one;
 * decoding turns every refusal into a {@link MalformedPayloadException}. STDOUT, STDERR and DATA
 * carry raw bytes, DONE nothing; RECORDS carries length-prefixed records ({@link #records}).
 */
final class Payloads {

    /**
     * The highest protocol version this side speaks: 3 (version 2 added KLOG, RECORDS and LOST; 3
     * added RESEED).
     */
    static final int VERSION = 3;
    /** The lowest protocol version this side speaks: 2 (a version 2 agent cannot reseed a clone). */
    static final int MIN_VERSION = 2;
    /** The first version with RESEED. */
    static final int RESEED_VERSION = 3;
    /** The least entropy a RESEED carries, in bytes. */
    static final int MIN_RESEED_BYTES = 64;
    /** The most entropy a RESEED carries, in bytes. */
    static final int MAX_RESEED_BYTES = 512;
    /** The most arguments, and the most environment entries, of one EXEC. */
    static final int MAX_ENTRIES = 1024;
    /** The highest Linux signal number. */
    static final int MAX_SIGNAL = 64;
    /** The highest permission bits: setuid, setgid, sticky and rwx for all. */
    static final int MAX_MODE = 07777;
    /**
     * The longest kernel log record: the kernel formats a /dev/kmsg record into a buffer of
     * {@code CONSOLE_EXT_LOG_MAX} (8192) bytes ({@code kernel/printk/printk.c}, {@code devkmsg_read}).
     */
    static final int MAX_RECORD = 8192;

    private Payloads() {
    }

    /** HELLO: the agent's versions, its maximum payload and its name. */
    record Hello(int minVersion, int maxVersion, long maxPayload, String agent) {
        Hello {
            check(minVersion >= 1 && minVersion <= maxVersion, "versions " + minVersion + " to " + maxVersion);
            check(maxPayload >= Frame.MAX_PAYLOAD, "a maximum payload of " + maxPayload + " bytes, below the least "
                    + Frame.MAX_PAYLOAD);
        }

        byte[] encode() {
            return new PayloadWriter().u16(minVersion).u16(maxVersion).u32(maxPayload).str(agent).toBytes();
        }

        static Hello decode(byte[] p) {
            return parse(p, r -> new Hello(r.u16(), r.u16(), r.u32(), r.str()));
        }
    }

    /** WELCOME: the version chosen and the host's maximum payload. */
    record Welcome(int version, long maxPayload) {
        Welcome {
            check(version >= 1, "version " + version);
            check(maxPayload >= Frame.MAX_PAYLOAD, "a maximum payload of " + maxPayload + " bytes");
        }

        byte[] encode() {
            return new PayloadWriter().u16(version).u32(maxPayload).toBytes();
        }

        static Welcome decode(byte[] p) {
            return parse(p, r -> new Welcome(r.u16(), r.u32()));
        }
    }

    /** EXEC: flags (0), the program and its arguments, environment entries, the working directory. */
    record ExecRequest(long flags, List<String> argv, List<String> env, String workdir) {
        ExecRequest {
            check(flags == 0, String.format("EXEC flags 0x%x, expected 0", flags));
            check(!argv.isEmpty() && argv.size() <= MAX_ENTRIES, argv.size() + " arguments, expected 1 to " + MAX_ENTRIES);
            check(env.size() <= MAX_ENTRIES, env.size() + " environment entries, more than " + MAX_ENTRIES);
            check(env.stream().allMatch(e -> e.indexOf('=') > 0), "an environment entry without NAME=");
            argv = List.copyOf(argv);
            env = List.copyOf(env);
        }

        byte[] encode() {
            PayloadWriter w = new PayloadWriter().u32(flags).u16(argv.size());
            argv.forEach(w::str);
            w.u16(env.size());
            env.forEach(w::str);
            return w.str(workdir).toBytes();
        }

        static ExecRequest decode(byte[] p) {
            return parse(p, r -> {
                long flags = r.u32();
                List<String> argv = strings(r, "arguments");
                List<String> env = strings(r, "environment entries");
                return new ExecRequest(flags, argv, env, r.str());
            });
        }

        private static List<String> strings(PayloadReader r, String what) {
            int n = r.u16();
            check(n <= MAX_ENTRIES, n + " " + what + ", more than " + MAX_ENTRIES);
            List<String> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(r.str());
            }
            return list;
        }
    }

    /** STARTED: the program's process id in the guest. */
    record Started(long pid) {
        byte[] encode() {
            return new PayloadWriter().u32(pid).toBytes();
        }

        static Started decode(byte[] p) {
            return parse(p, r -> new Started(r.u32()));
        }
    }

    /** EXITED: the exit status, 0-255. */
    record Exited(int status) {
        Exited {
            check(status >= 0 && status <= 255, "exit status " + status + ", expected 0 to 255");
        }

        byte[] encode() {
            return new PayloadWriter().i32(status).toBytes();
        }

        static Exited decode(byte[] p) {
            return parse(p, r -> new Exited(r.i32()));
        }
    }

    /** SIGNALED: the signal that ended the program, 1-64, and whether it dumped core. */
    record Signaled(long signal, boolean coreDumped) {
        Signaled {
            check(signal >= 1 && signal <= MAX_SIGNAL, "signal " + signal + ", expected 1 to " + MAX_SIGNAL);
        }

        byte[] encode() {
            return new PayloadWriter().u32(signal).u8(coreDumped ? 1 : 0).toBytes();
        }

        static Signaled decode(byte[] p) {
            return parse(p, r -> {
                long signal = r.u32();
                int core = r.u8();
                check(core <= 1, "core_dumped " + core + ", expected 0 or 1");
                return new Signaled(signal, core == 1);
            });
        }
    }

    /** KILL: the signal to send to the request's process group, 1-64. */
    record Kill(long signal) {
        Kill {
            check(signal >= 1 && signal <= MAX_SIGNAL, "signal " + signal + ", expected 1 to " + MAX_SIGNAL);
        }

        byte[] encode() {
            return new PayloadWriter().u32(signal).toBytes();
        }

        static Kill decode(byte[] p) {
            return parse(p, r -> new Kill(r.u32()));
        }
    }

    /** PUT: the guest path, its permission bits and the size that will follow. */
    record Put(String path, long mode, long size) {
        Put {
            checkMode(mode);
        }

        byte[] encode() {
            return new PayloadWriter().str(path).u32(mode).u64(size).toBytes();
        }

        static Put decode(byte[] p) {
            return parse(p, r -> new Put(r.str(), r.u32(), r.u64()));
        }
    }

    /** FILE: the guest file's permission bits and size. */
    record FileInfo(long mode, long size) {
        FileInfo {
            checkMode(mode);
        }

        byte[] encode() {
            return new PayloadWriter().u32(mode).u64(size).toBytes();
        }

        static FileInfo decode(byte[] p) {
            return parse(p, r -> new FileInfo(r.u32(), r.u64()));
        }
    }

    /** END: the size and CRC-32 of all the DATA of a transfer. */
    record End(long size, long crc32) {
        byte[] encode() {
            return new PayloadWriter().u64(size).u32(crc32).toBytes();
        }

        static End decode(byte[] p) {
            return parse(p, r -> new End(r.u64(), r.u32()));
        }
    }

    /** GET: the guest path and the largest size the host accepts. */
    record Get(String path, long maxSize) {
        byte[] encode() {
            return new PayloadWriter().str(path).u64(maxSize).toBytes();
        }

        static Get decode(byte[] p) {
            return parse(p, r -> new Get(r.str(), r.u64()));
        }
    }

    /** ERROR: the guest's errno and a message; the last frame of its request. */
    record ErrorReply(long errno, String message) {
        byte[] encode() {
            return new PayloadWriter().u32(errno).str(message).toBytes();
        }

        static ErrorReply decode(byte[] p) {
            return parse(p, r -> new ErrorReply(r.u32(), r.str()));
        }
    }

    /** FATAL: why the agent gives up the channel. */
    record Fatal(String message) {
        byte[] encode() {
            return new PayloadWriter().str(message).toBytes();
        }

        static Fatal decode(byte[] p) {
            return parse(p, r -> new Fatal(r.str()));
        }
    }

    /** KLOG: the sequence number of the first record wanted. */
    record Klog(long fromSequence) {
        Klog {
            check(fromSequence >= 0, "sequence number " + fromSequence);
        }

        byte[] encode() {
            return new PayloadWriter().u64(fromSequence).toBytes();
        }

        static Klog decode(byte[] p) {
            return parse(p, r -> new Klog(r.u64()));
        }
    }

    /**
     * RESEED (version 3): the host's wall clock and entropy for a clone's guest. The agent adds the
     * entropy crediting 8 bits a byte, reseeds the kernel's CRNG and sets {@code CLOCK_REALTIME}.
     *
     * @param realtimeNanos the host's wall clock, nanoseconds since 1970-01-01T00:00:00Z
     * @param entropy {@value #MIN_RESEED_BYTES} to {@value #MAX_RESEED_BYTES} bytes from the host's
     *     {@code SecureRandom}
     */
    record Reseed(long realtimeNanos, byte[] entropy) {
        Reseed {
            check(realtimeNanos >= 0, "a wall clock of " + realtimeNanos + " ns");
            check(entropy.length >= MIN_RESEED_BYTES && entropy.length <= MAX_RESEED_BYTES, entropy.length
                    + " bytes of entropy, expected " + MIN_RESEED_BYTES + " to " + MAX_RESEED_BYTES);
            entropy = entropy.clone();
        }

        @Override
        public byte[] entropy() {
            return entropy.clone();
        }

        byte[] encode() {
            return new PayloadWriter().u64(realtimeNanos).bytes(entropy).toBytes();
        }

        static Reseed decode(byte[] p) {
            return parse(p, r -> new Reseed(r.u64(), r.rest()));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Reseed other && other.realtimeNanos == realtimeNanos
                    && Arrays.equals(other.entropy, entropy);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(realtimeNanos) * 31 + Arrays.hashCode(entropy);
        }

        @Override
        public String toString() {
            return "Reseed[realtimeNanos=" + realtimeNanos + ", " + entropy.length + " bytes of entropy]";
        }
    }

    /** LOST: the agent's count of the records the ring overwrote, 0 if it does not know. */
    record Lost(long countHint) {
        byte[] encode() {
            return new PayloadWriter().u64(countHint).toBytes();
        }

        static Lost decode(byte[] p) {
            return parse(p, r -> new Lost(r.u64()));
        }
    }

    /**
     * The records of a RECORDS payload: one or more, each a {@code u16} length of 1 to
     * {@link #MAX_RECORD} and that many bytes, together filling the payload exactly. Each length is
     * checked against what is left of the payload before it is used.
     *
     * @param p the payload
     * @return the records, copies, in order
     * @throws MalformedPayloadException if the payload is empty, a length is 0 or above
     *     {@link #MAX_RECORD}, or a record runs past the payload's end
     */
    static List<byte[]> records(byte[] p) {
        if (p.length == 0) {
            throw new MalformedPayloadException("a RECORDS payload holds no record");
        }
        List<byte[]> records = new ArrayList<>();
        int at = 0;
        while (at < p.length) {
            if (p.length - at < 2) {
                throw new MalformedPayloadException("the payload ends inside the length of record " + records.size()
                        + " at byte " + at);
            }
            int length = (p[at] & 0xff) | (p[at + 1] & 0xff) << 8;
            if (length == 0 || length > MAX_RECORD) {
                throw new MalformedPayloadException("record " + records.size() + " at byte " + at + " has " + length
                        + " bytes, expected 1 to " + MAX_RECORD);
            }
            if (length > p.length - at - 2) {
                throw new MalformedPayloadException("record " + records.size() + " at byte " + at + " has " + length
                        + " bytes, but only " + (p.length - at - 2) + " are left in the payload");
            }
            records.add(Arrays.copyOfRange(p, at + 2, at + 2 + length));
            at += 2 + length;
        }
        return records;
    }

    /**
     * A RECORDS payload, for tests and fakes.
     *
     * @param records the records, each 1 to {@link #MAX_RECORD} bytes
     * @return the payload
     */
    static byte[] encodeRecords(List<byte[]> records) {
        PayloadWriter w = new PayloadWriter();
        for (byte[] r : records) {
            check(r.length >= 1 && r.length <= MAX_RECORD, "a record of " + r.length + " bytes");
            w.u16(r.length).bytes(r);
        }
        return w.toBytes();
    }

    /**
     * Checks that a payload is empty (DONE).
     *
     * @param p the payload
     */
    static void empty(byte[] p) {
        parse(p, r -> null);
    }

    private static <T> T parse(byte[] payload, Function<PayloadReader, T> fields) {
        PayloadReader r = new PayloadReader(payload);
        try {
            T value = fields.apply(r);
            r.end();
            return value;
        } catch (IllegalArgumentException e) {
            throw new MalformedPayloadException(e.getMessage());
        }
    }

    private static void checkMode(long mode) {
        check(mode >= 0 && mode <= MAX_MODE, String.format("mode 0%o, expected at most 0%o", mode, MAX_MODE));
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what);
        }
    }
}
