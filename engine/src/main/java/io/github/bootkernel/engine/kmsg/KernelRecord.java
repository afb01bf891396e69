package io.github.bootkernel.engine.kmsg;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One record of the kernel's log, as {@code /dev/kmsg} gives it (kernel
 * {@code Documentation/ABI/testing/dev-kmsg}; {@link KmsgRecordParser} reads it):
 *
 * <pre>{@code
 * 7,160,424069,-;pci_root PNP0A03:00: host bridge window [io  0x0000-0x0cf7] (ignored)
 *  SUBSYSTEM=acpi
 *  DEVICE=+acpi:PNP0A03:00
 * }</pre>
 *
 * is {@code KernelRecord[sequence=160, level=7, facility=0, timestampMicros=424069,
 * continuation=false, message="pci_root PNP0A03:00: host bridge ...", dictionary={SUBSYSTEM=acpi,
 * DEVICE=+acpi:PNP0A03:00}]}.
 *
 * @param sequence the record's 64-bit sequence number in the kernel's ring, from 0 at boot;
 *     consecutive records have consecutive numbers, so a jump means records were lost
 * @param level the syslog priority, 0 ({@code KERN_EMERG}) to 7 ({@code KERN_DEBUG}); 4 is
 *     {@code KERN_WARNING}
 * @param facility the syslog facility: 0 ({@code LOG_KERN}) for the kernel's own messages, 1
 *     ({@code LOG_USER}) by default for what user space writes to {@code /dev/kmsg}, which cannot
 *     write 0
 * @param timestampMicros the kernel's monotonic clock when the record was stored, in microseconds
 *     since boot: the uptime the console's printk timestamp shows
 * @param continuation whether the kernel flagged the record as a fragment of a line ({@code c} in
 *     the flags field, {@code LOG_CONT}); only a hint, the kernel says
 * @param message the text with the kernel's {@code \xNN} escapes decoded and the bytes read as
 *     UTF-8 (a malformed sequence becomes U+FFFD); may contain {@code '\n'}: a multi-line record
 *     (Linux 5.10 and later store one {@code printk} as one record)
 * @param dictionary the key/value lines that follow the message ({@code SUBSYSTEM=},
 *     {@code DEVICE=}), in their order; immutable, empty for most records
 */
public record KernelRecord(long sequence, int level, int facility, long timestampMicros, boolean continuation,
                           String message, Map<String, String> dictionary) {

    /** The highest syslog priority, {@code KERN_DEBUG}. */
    public static final int MAX_LEVEL = 7;
    /** The highest facility the 8 bits of the kernel's record hold. */
    public static final int MAX_FACILITY = 255;

    /**
     * Checks and copies the components.
     *
     * @throws NullPointerException if {@code message} or {@code dictionary} is null
     * @throws IllegalArgumentException if a number is out of its range: {@code sequence} or
     *     {@code timestampMicros} negative, {@code level} outside 0..7, {@code facility} outside 0..255
     */
    public KernelRecord {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(dictionary, "dictionary");
        if (sequence < 0 || timestampMicros < 0) {
            throw new IllegalArgumentException("sequence and timestampMicros must not be negative, got "
                    + sequence + " and " + timestampMicros);
        }
        if (level < 0 || level > MAX_LEVEL) {
            throw new IllegalArgumentException("level must be between 0 and " + MAX_LEVEL + ", got " + level);
        }
        if (facility < 0 || facility > MAX_FACILITY) {
            throw new IllegalArgumentException("facility must be between 0 and " + MAX_FACILITY + ", got " + facility);
        }
        dictionary = dictionary.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(dictionary));
    }

    /**
     * A kernel record ({@code facility} 0) without a dictionary, for tests of code that reads logs.
     *
     * @param sequence the sequence number
     * @param level the priority, 0 to 7
     * @param timestampMicros the uptime in microseconds
     * @param message the text
     * @return the record
     */
    public static KernelRecord of(long sequence, int level, long timestampMicros, String message) {
        return new KernelRecord(sequence, level, 0, timestampMicros, false, message, Map.of());
    }

    /**
     * Returns the timestamp as a duration since boot.
     *
     * @return {@link #timestampMicros()} microseconds
     */
    public Duration timestamp() {
        return Duration.ofSeconds(timestampMicros / 1_000_000, timestampMicros % 1_000_000 * 1000);
    }

    /**
     * Returns the record as the kernel's console prints it with {@code CONFIG_PRINTK_TIME}: each
     * line of the message after the timestamp {@code [%5lu.%06lu]} and one space
     * ({@code print_time} and {@code record_print_text} in kernel/printk/printk.c), so
     * {@code "[    1.234567] message"}. An empty message is one line holding the prefix.
     *
     * @return one line per line of the message, without terminators
     */
    public List<String> consoleLines() {
        return prefixed(time() + " ");
    }

    /**
     * Returns the record as {@code dmesg -r} prints it: each line of the message after the
     * syslog priority {@code <N>}, where N is {@code facility << 3 | level} (so {@code <4>} for a
     * kernel warning, {@code <12>} for a warning written to {@code /dev/kmsg}), and the console's
     * timestamp: {@code "<4>[    1.234567] message"}.
     *
     * @return one line per line of the message, without terminators
     */
    public List<String> dmesgLines() {
        return prefixed("<" + (facility << 3 | level) + ">" + time() + " ");
    }

    private String time() {
        return String.format(Locale.ROOT, "[%5d.%06d]", timestampMicros / 1_000_000, timestampMicros % 1_000_000);
    }

    private List<String> prefixed(String prefix) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int end = message.indexOf('\n'); end >= 0; end = message.indexOf('\n', start)) {
            lines.add(prefix + message.substring(start, end));
            start = end + 1;
        }
        lines.add(prefix + message.substring(start));
        return List.copyOf(lines);
    }
}
