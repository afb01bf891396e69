package io.github.bootkernel.kernels.probe;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The lines the probe prints, so that tests compare against one definition. Each line ends with
 * {@code "\r\n"} on the serial port; the strings here leave that out. In order:
 * <pre>
 * probe: cmdline=&lt;the command line&gt;
 * probe: e820 0x&lt;addr, 16 hex&gt; 0x&lt;size, 16 hex&gt; &lt;type, decimal&gt;   (one per entry)
 * probe: initrd none                         or
 * probe: initrd addr=0x&lt;16 hex&gt; size=0x&lt;16 hex&gt; sum=0x&lt;8 hex&gt;   or ... sum=unreadable
 * probe: ready
 * </pre>
 * then {@code probe: flood <i>} for i = 1..N with {@code probe.flood=N}, or {@code probe: done}
 * without an action word. Hex digits are lower case.
 *
 * <p>The probe is a test double, not Linux; see {@link ProbeKernel}.
 */
public final class ProbeOutput {

    /** Printed after the boot parameters are reported, just before the action. */
    public static final String READY = "probe: ready";

    /** Printed when the command line holds no action word, before exiting with 0. */
    public static final String DONE = "probe: done";

    /** Printed when boot_params declares no initrd (ramdisk size 0). */
    public static final String INITRD_NONE = "probe: initrd none";

    /** Matches an e820 line; groups: addr (hex), size (hex), type (decimal). */
    public static final Pattern E820 =
            Pattern.compile("probe: e820 0x(?<addr>[0-9a-f]{16}) 0x(?<size>[0-9a-f]{16}) (?<type>[0-9]+)");

    /**
     * Matches an initrd line other than {@link #INITRD_NONE}; groups: addr, size (hex), sum (hex,
     * or absent when the probe printed {@code sum=unreadable} for an initrd not below 4 GiB).
     */
    public static final Pattern INITRD = Pattern.compile(
            "probe: initrd addr=0x(?<addr>[0-9a-f]{16}) size=0x(?<size>[0-9a-f]{16})"
                    + " sum=(?:0x(?<sum>[0-9a-f]{8})|unreadable)");

    private ProbeOutput() {
    }

    /**
     * Returns the first line the probe prints for a command line.
     *
     * @param commandLine the command line the monitor passed
     * @return {@code probe: cmdline=<commandLine>}
     */
    public static String cmdline(String commandLine) {
        return "probe: cmdline=" + commandLine;
    }

    /**
     * Returns the line the probe prints for one e820 entry.
     *
     * @param addr the start address
     * @param size the size in bytes
     * @param type the e820 type, 1 for usable RAM
     * @return for example {@code probe: e820 0x0000000000100000 0x000000000ff00000 1}
     */
    public static String e820(long addr, long size, int type) {
        return String.format(Locale.ROOT, "probe: e820 0x%016x 0x%016x %d", addr, size,
                Integer.toUnsignedLong(type));
    }

    /**
     * Returns the line the probe prints for an initrd below 4 GiB.
     *
     * @param addr where the monitor loaded it
     * @param contents its bytes
     * @return for example {@code probe: initrd addr=0x0000000007fc7000 size=0x00000000000186a0
     *         sum=0x00c23c1d}
     */
    public static String initrd(long addr, byte[] contents) {
        return String.format(Locale.ROOT, "probe: initrd addr=0x%016x size=0x%016x sum=0x%08x", addr,
                (long) contents.length, initrdChecksum(contents));
    }

    /**
     * Returns the i-th line printed for {@code probe.flood=N}.
     *
     * @param i the line number, counted from 1
     * @return {@code probe: flood <i>}
     */
    public static String flood(long i) {
        return "probe: flood " + i;
    }

    /**
     * Computes the checksum the probe prints as {@code sum=}: the 32-bit wrap-around sum of the
     * data read as little-endian unsigned 32-bit words, the last partial word padded with zero
     * bytes. For bytes {@code 01 02 03 04 05} it is {@code 0x04030201 + 0x00000005 = 0x04030206}.
     *
     * @param contents the initrd's bytes
     * @return the checksum as an unsigned 32-bit value in an {@code int}
     */
    public static int initrdChecksum(byte[] contents) {
        ByteBuffer words = ByteBuffer.wrap(contents).order(ByteOrder.LITTLE_ENDIAN);
        int sum = 0;
        while (words.remaining() >= Integer.BYTES) {
            sum += words.getInt();
        }
        for (int shift = 0; words.hasRemaining(); shift += Byte.SIZE) {
            sum += (words.get() & 0xff) << shift;
        }
        return sum;
    }
}
