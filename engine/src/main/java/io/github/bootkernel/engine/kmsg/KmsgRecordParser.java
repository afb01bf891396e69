package io.github.bootkernel.engine.kmsg;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads one raw record, exactly as one {@code read(2)} of {@code /dev/kmsg} returns it, into a
 * {@link KernelRecord}. The format (kernel {@code Documentation/ABI/testing/dev-kmsg}; written by
 * {@code info_print_ext_header}, {@code msg_add_ext_text} and {@code msg_add_dict_text} in
 * kernel/printk/printk.c):
 *
 * <pre>{@code
 * 6,339,5140900,-;NET: Registered protocol family 10\n
 * 7,160,424069,-,caller=T1;pci_root PNP0A03:00: host bridge window\n
 *  SUBSYSTEM=acpi\n
 *  DEVICE=+acpi:PNP0A03:00\n
 * }</pre>
 *
 * <ul>
 *   <li>The prefix, up to the first {@code ';'}, is comma-separated fields: the syslog priority
 *       {@code facility << 3 | level} (at most 2047: 8 bits of facility), the sequence number, the
 *       timestamp in microseconds, and the flags ({@code -}, or {@code c} for a fragment of a
 *       line: {@link KernelRecord#continuation()} is whether the flags hold a {@code c}). Further
 *       fields ({@code caller=T1} with {@code CONFIG_PRINTK_CALLER}) are ignored, as the ABI asks.
 *       At most {@value #MAX_PREFIX_BYTES} bytes.</li>
 *   <li>The message runs to the first newline. The kernel writes every byte below {@code ' '}, at
 *       or above 127, and the backslash as {@code \xNN} (two hex digits); those are decoded, and
 *       the bytes read as UTF-8 (U+FFFD for a malformed sequence). Other bytes are taken as they
 *       are.</li>
 *   <li>Each further line starts with a space and is a dictionary entry {@code KEY=value}, both
 *       escaped like the message.</li>
 *   <li>A record that does not end with a newline was cut by the kernel (its text did not fit
 *       the reader's buffer; the kernel's {@code scnprintf} stops at the end): it is accepted as
 *       far as it goes, dropping a cut-off escape or dictionary line at its end.</li>
 * </ul>
 *
 * <p>The input is the guest's: anything else is a {@link MalformedKmsgRecordException} naming the
 * reason and showing the input's start; no other exception, whatever the bytes. At most
 * {@value #MAX_RECORD_BYTES} bytes are read (the agent's frames carry a 16-bit length; the kernel
 * returns at most 8 KiB).
 */
public final class KmsgRecordParser {

    /** The longest raw record accepted, in bytes. */
    public static final int MAX_RECORD_BYTES = 65535;
    /** The longest prefix accepted, in bytes, before its {@code ';'}. */
    public static final int MAX_PREFIX_BYTES = 256;
    /** The largest priority: 8 bits of facility and 3 of level. */
    private static final int MAX_PRIORITY = KernelRecord.MAX_FACILITY << 3 | KernelRecord.MAX_LEVEL;

    private KmsgRecordParser() {
    }

    /**
     * Parses one raw record.
     *
     * @param raw the bytes of one read of {@code /dev/kmsg}; not modified
     * @return the record
     * @throws MalformedKmsgRecordException if the bytes are not a record in the format above
     * @throws NullPointerException if {@code raw} is null
     */
    public static KernelRecord parse(byte[] raw) throws MalformedKmsgRecordException {
        if (raw.length == 0) {
            throw new MalformedKmsgRecordException("it is empty", raw);
        }
        if (raw.length > MAX_RECORD_BYTES) {
            throw new MalformedKmsgRecordException("it is longer than " + MAX_RECORD_BYTES + " bytes ("
                    + raw.length + ")", raw);
        }
        int semicolon = indexOf(raw, (byte) ';', 0, Math.min(raw.length, MAX_PREFIX_BYTES + 1));
        if (semicolon < 0) {
            throw new MalformedKmsgRecordException(raw.length > MAX_PREFIX_BYTES
                    ? "no ';' ends the prefix within " + MAX_PREFIX_BYTES + " bytes" : "no ';' ends the prefix", raw);
        }
        String[] fields = new String(raw, 0, semicolon, StandardCharsets.ISO_8859_1).split(",", -1);
        if (fields.length < 4) {
            throw new MalformedKmsgRecordException("the prefix has " + fields.length
                    + (fields.length == 1 ? " field" : " fields") + ", not priority,sequence,timestamp,flags", raw);
        }
        long priority = number("priority", fields[0], raw);
        if (priority > MAX_PRIORITY) {
            throw new MalformedKmsgRecordException("the priority " + priority + " is above " + MAX_PRIORITY, raw);
        }
        long sequence = number("sequence number", fields[1], raw);
        long micros = number("timestamp", fields[2], raw);
        String flags = fields[3];
        if (flags.isEmpty() || !flags.chars().allMatch(c -> c == '-' || c >= 'a' && c <= 'z')) {
            throw new MalformedKmsgRecordException("the flags " + quoted(flags) + " are not '-', 'c' or other letters",
                    raw);
        }
        int end = indexOf(raw, (byte) '\n', semicolon + 1, raw.length);
        boolean cut = raw[raw.length - 1] != '\n';
        int messageEnd = end < 0 ? raw.length : end;
        String message = unescape(raw, semicolon + 1, messageEnd, cut && end < 0, "the message");
        Map<String, String> dictionary = new LinkedHashMap<>();
        for (int line = messageEnd + 1; line < raw.length; ) {
            int lineEnd = indexOf(raw, (byte) '\n', line, raw.length);
            if (lineEnd < 0) {
                break; // cut by the kernel: the dictionary line is incomplete
            }
            entry(raw, line, lineEnd, dictionary);
            line = lineEnd + 1;
        }
        return new KernelRecord(sequence, (int) (priority & 7), (int) (priority >> 3), micros,
                flags.indexOf('c') >= 0, message, dictionary);
    }

    /** A decimal field: digits only, at most what a long holds. */
    private static long number(String what, String text, byte[] raw) throws MalformedKmsgRecordException {
        if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new MalformedKmsgRecordException("the " + what + " " + quoted(text) + " is not a decimal number", raw);
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new MalformedKmsgRecordException("the " + what + " " + text + " is too large", raw);
        }
    }

    /** One dictionary line, {@code " KEY=value"}, from {@code from} to its newline at {@code to}. */
    private static void entry(byte[] raw, int from, int to, Map<String, String> into)
            throws MalformedKmsgRecordException {
        if (raw[from] != ' ') {
            throw new MalformedKmsgRecordException("a line after the message does not start with a space"
                    + " (a dictionary entry does)", raw);
        }
        int equals = indexOf(raw, (byte) '=', from + 1, to);
        if (equals <= from + 1) {
            throw new MalformedKmsgRecordException(equals < 0 ? "a dictionary line has no '='"
                    : "a dictionary line has an empty key", raw);
        }
        into.put(unescape(raw, from + 1, equals, false, "a dictionary key"),
                unescape(raw, equals + 1, to, false, "a dictionary value"));
    }

    /**
     * Decodes {@code \xNN} escapes in {@code raw[from, to)} and reads the bytes as UTF-8; with
     * {@code cut}, an incomplete escape at the end is dropped instead of refused.
     */
    private static String unescape(byte[] raw, int from, int to, boolean cut, String what)
            throws MalformedKmsgRecordException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = raw[i];
            if (b != '\\') {
                out.write(b);
                continue;
            }
            if (to - i < 4 && cut) {
                break; // the kernel's buffer ended inside the escape
            }
            if (to - i < 4 || raw[i + 1] != 'x' || hex(raw[i + 2]) < 0 || hex(raw[i + 3]) < 0) {
                throw new MalformedKmsgRecordException(what + " has a '\\' at byte " + i
                        + " that does not start an escape \\xNN", raw);
            }
            int high = hex(raw[i + 2]);
            int low = hex(raw[i + 3]);
            out.write(high << 4 | low);
            i += 3;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte b) {
        return Character.digit(b, 16);
    }

    private static int indexOf(byte[] raw, byte wanted, int from, int to) {
        for (int i = from; i < to; i++) {
            if (raw[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** A prefix field for a message: quoted, escaped, cut (its bytes are the guest's). */
    private static String quoted(String field) {
        return MalformedKmsgRecordException.show(field.getBytes(StandardCharsets.ISO_8859_1));
    }
}
