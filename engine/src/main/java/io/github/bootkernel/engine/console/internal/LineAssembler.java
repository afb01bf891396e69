package io.github.bootkernel.engine.console.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Turns the bytes a guest writes to its serial port into lines. It knows nothing of history,
 * waiters or threads: each completed line goes to the consumer given at construction, on the
 * thread that fed the byte that completed it.
 *
 * <p>Bytes are decoded as UTF-8; malformed or truncated sequences become U+FFFD, as
 * {@code new String(bytes, UTF_8)} does. A line ends at LF, at CR LF, or at a lone CR; the
 * terminator is not part of the line. A run of CRs directly followed by at most one LF is a single
 * terminator, so the {@code "\r\r\n"} a tty produces for a program's {@code "\r\n"} does not add
 * empty lines. A line longer than {@link #maxLineLength()} chars is split: the first
 * {@code maxLineLength} chars become a complete line and the rest continues as a new one; a
 * surrogate pair is never split.
 *
 * <p>{@link #accept(int)} does O(1) work and allocates nothing; only a completed non-empty line
 * allocates (its {@code String}). Not thread-safe: the owner serializes every call.
 */
public final class LineAssembler {

    private final Consumer<String> lines;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** Bytes of an incomplete UTF-8 sequence, in write mode; at most 3 pending plus 1 new. */
    private final ByteBuffer pendingBytes = ByteBuffer.allocate(8);
    /** The current unterminated line; its position is the line's length. */
    private final CharBuffer partial;
    /** The previous byte ended a line with CR: further CRs and one LF belong to that terminator. */
    private boolean afterCr;
    private boolean ended;

    /**
     * Creates an assembler.
     *
     * @param maxLineLength longest line kept in one piece, in chars; at least 2 (room for a
     *     surrogate pair)
     * @param lines receives each completed line, without its terminator
     * @throws IllegalArgumentException if {@code maxLineLength} is less than 2
     */
    public LineAssembler(int maxLineLength, Consumer<String> lines) {
        if (maxLineLength < 2) {
            throw new IllegalArgumentException(
                    "maxLineLength must be at least 2 (a surrogate pair), got " + maxLineLength);
        }
        this.lines = Objects.requireNonNull(lines, "lines");
        this.partial = CharBuffer.allocate(maxLineLength);
    }

    /**
     * Returns the longest line kept in one piece; longer lines are split.
     *
     * @return the maximum line length, in chars
     */
    public int maxLineLength() {
        return partial.capacity();
    }

    /**
     * Takes one byte. When it completes a line (a terminator, or a full line), the line goes to
     * the consumer before this method returns. Bytes taken after {@link #end()} are ignored.
     *
     * @param b the byte, in the low 8 bits (higher bits are ignored)
     */
    public void accept(int b) {
        if (ended) {
            return;
        }
        int value = b & 0xFF;
        if (value == '\r') {
            if (!afterCr) {
                terminateLine();
                afterCr = true;
            }
        } else if (value == '\n') {
            if (afterCr) {
                afterCr = false;
            } else {
                terminateLine();
            }
        } else {
            afterCr = false;
            if (value < 0x80 && pendingBytes.position() == 0) {
                if (!partial.hasRemaining()) {
                    completeLine();
                }
                partial.put((char) value);
            } else {
                pendingBytes.put((byte) value);
                decode(false);
            }
        }
    }

    /**
     * Ends the input. An incomplete UTF-8 sequence left over becomes U+FFFD in the partial line
     * (which may complete a full line); the partial line stays partial. Later bytes are ignored;
     * calling it again does nothing.
     *
     * @return {@code true} the first time, {@code false} if the input had already ended
     */
    public boolean end() {
        if (ended) {
            return false;
        }
        decode(true);
        ended = true;
        return true;
    }

    /**
     * Returns the current unterminated line. The bytes of a multi-byte UTF-8 character still
     * being received are not included yet.
     *
     * @return the partial line, empty if the last byte ended a line
     */
    public String partialLine() {
        return new String(partial.array(), 0, partial.position());
    }

    /**
     * Decodes the pending bytes into the partial line, splitting the line when it is full. With
     * {@code endOfInput}, an incomplete sequence left over is replaced and the decoder reset.
     */
    private void decode(boolean endOfInput) {
        if (pendingBytes.position() == 0) {
            return;
        }
        pendingBytes.flip();
        while (decoder.decode(pendingBytes, partial, endOfInput).isOverflow()) {
            completeLine();
        }
        if (endOfInput) {
            while (decoder.flush(partial) == CoderResult.OVERFLOW) {
                completeLine();
            }
            decoder.reset();
        }
        pendingBytes.compact();
    }

    /** Ends the current line at a terminator, replacing an incomplete UTF-8 sequence first. */
    private void terminateLine() {
        decode(true);
        completeLine();
    }

    /**
     * Hands the partial line, as it is, to the consumer and starts a new one. An empty line is
     * the one shared {@code ""}, so a flood of empty lines holds no string of its own.
     */
    private void completeLine() {
        String line = partial.position() == 0 ? "" : new String(partial.array(), 0, partial.position());
        partial.clear();
        lines.accept(line);
    }
}
