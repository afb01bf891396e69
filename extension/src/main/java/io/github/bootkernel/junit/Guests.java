package io.github.bootkernel.junit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The guests started in one extension context (one test, or one class), kept in that context's
 * store: JUnit closes this list when the context ends, which closes the guests, newest first. The
 * failure report reads the lists of a test's context and its ancestors.
 */
final class Guests implements AutoCloseable {

    static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BootKernel.class);

    private final List<Guest> guests = new CopyOnWriteArrayList<>();

    /**
     * Returns the list of exactly this context, creating it if needed. The key includes the
     * context's unique id because a store lookup also finds the values of the parent contexts.
     */
    static Guests of(ExtensionContext context) {
        return context.getStore(NAMESPACE).computeIfAbsent(key(context), k -> new Guests(), Guests.class);
    }

    /** Returns the guests of a context and its ancestors, outermost first. */
    static List<Guest> visibleFrom(ExtensionContext context) {
        List<Guest> all = new ArrayList<>();
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            Guests own = c.getStore(NAMESPACE).get(key(c), Guests.class);
            if (own != null) {
                all.addAll(0, own.guests);
            }
        }
        return all;
    }

    /** Returns the guests of exactly this context, oldest first; none if it started none. */
    static List<Guest> ownedBy(ExtensionContext context) {
        Guests own = context.getStore(NAMESPACE).get(key(context), Guests.class);
        return own == null ? List.of() : List.copyOf(own.guests);
    }

    private static String key(ExtensionContext context) {
        return "guests " + context.getUniqueId();
    }

    void add(Guest guest) {
        guests.add(guest);
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (int i = guests.size() - 1; i >= 0; i--) {
            try {
                guests.get(i).close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
