package io.github.bootkernel.junit;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Publishes the boot phases of the guests a test or class started, as the report entry
 * {@value #KEY} of that context: {@code guest '...' (kernel tiny): monitor ready 0.012 s, first
 * console byte 0.031 s, Run /init 1.520 s, ready line 1.804 s}, one entry per guest. Published
 * when the context's tests are done, so a guest that still runs has no end yet. A clone's phases
 * count from its restore; its template's boot is published once, by the test or class that booted
 * it, as {@code bootkernel.template}.
 */
final class PhaseReport {

    /** The report entry's key. */
    static final String KEY = "bootkernel.phases";

    private PhaseReport() {
    }

    /** Publishes one entry per guest that {@code context} itself started. */
    static void publish(ExtensionContext context) {
        for (Guest guest : Guests.ownedBy(context)) {
            context.publishReportEntry(KEY, guest + ": " + guest.machine().bootPhases()
                    + (guest.template().isPresent() ? " (from its restore)" : ""));
        }
    }
}
