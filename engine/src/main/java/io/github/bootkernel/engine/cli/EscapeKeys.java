package io.github.bootkernel.engine.cli;

/**
 * The escape sequences of a terminal in raw mode, as QEMU's {@code -serial mon:stdio} has them:
 * every key goes to the guest, Ctrl-C included, except after Ctrl-A, the escape key. Then
 * {@code x} leaves, {@code h} or {@code ?} prints {@link #HELP}, a second Ctrl-A sends one Ctrl-A,
 * and any other key is dropped. Not thread-safe: one reader feeds it.
 */
final class EscapeKeys {

    /** Ctrl-A, the escape key. */
    static final int ESCAPE = 0x01;

    /** The escape sequences, one a line, as {@code --help} lists them. */
    static final String KEYS = String.join("\n",
            "  Ctrl-A x               stop the guest and exit (status 130)",
            "  Ctrl-A Ctrl-A          send one Ctrl-A to the guest",
            "  Ctrl-A h               show these keys");

    /** What Ctrl-A h shows. */
    static final String HELP = "Every key goes to the guest, Ctrl-C too, except after Ctrl-A:\n" + KEYS;

    /** What to do with one key. */
    enum Action {
        /** Send the key to the guest. */
        SEND,
        /** Nothing: the key was the escape key, or an unknown key after it. */
        NONE,
        /** Stop the guest and exit. */
        QUIT,
        /** Show {@link #HELP}. */
        HELP
    }

    private boolean afterEscape;

    /**
     * Interprets one key.
     *
     * @param key the byte typed, 0..255
     * @return what to do with it; {@link Action#SEND} means send {@code key} itself
     */
    Action accept(int key) {
        if (!afterEscape) {
            if (key == ESCAPE) {
                afterEscape = true;
                return Action.NONE;
            }
            return Action.SEND;
        }
        afterEscape = false;
        return switch (key) {
            case ESCAPE -> Action.SEND;
            case 'x', 'X' -> Action.QUIT;
            case 'h', 'H', '?' -> Action.HELP;
            default -> Action.NONE;
        };
    }
}
