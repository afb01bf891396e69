package io.github.bootkernel.engine.memory;

/** A guest physical address range that is not backed by guest RAM. */
public class GuestMemoryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message which range and why */
    public GuestMemoryException(String message) {
        super(message);
    }
}
