package io.github.bootkernel.engine.kmsg;

import java.util.Locale;
import java.util.Objects;

/**
 * A raw record that is not in the format of {@code /dev/kmsg} (kernel
 * {@code Documentation/ABI/testing/dev-kmsg}). The message names the reason and shows the start of
 * the input with its non-printable bytes escaped, for example
 * {@code "not a /dev/kmsg record: no ';' ends the prefix: \"6,12,hello\\x0a\""}.
 */
public final class MalformedKmsgRecordException extends Exception {

    private static final long serialVersionUID = 1L;
    /** How many bytes of the input a message shows. */
    static final int SHOWN_BYTES = 80;

    private final String reason;

    /**
     * @param reason why the input is not a record, for example {@code "no ';' ends the prefix"}
     * @param input the raw record
     */
    MalformedKmsgRecordException(String reason, byte[] input) {
        super("not a /dev/kmsg record: " + reason + ": " + show(input));
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Returns why the input is not a record, without the input.
     *
     * @return for example {@code "no ';' ends the prefix"}
     */
    public String reason() {
        return reason;
    }

    /**
     * The first {@value #SHOWN_BYTES} bytes of the input in quotes, printable ASCII as it is and
     * every other byte, backslash and quote as {@code \xNN}, then how many bytes were left out.
     */
    static String show(byte[] input) {
        StringBuilder out = new StringBuilder("\"");
        int shown = Math.min(input.length, SHOWN_BYTES);
        for (int i = 0; i < shown; i++) {
            int b = input[i] & 0xff;
            if (b < ' ' || b >= 127 || b == '\\' || b == '"') {
                out.append(String.format(Locale.ROOT, "\\x%02x", b));
            } else {
                out.append((char) b);
            }
        }
        out.append('"');
        if (shown < input.length) {
            out.append(" and ").append(input.length - shown).append(" bytes more");
        }
        return out.toString();
    }
}
