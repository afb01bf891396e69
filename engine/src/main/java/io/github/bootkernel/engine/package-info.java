/**
 * The engine's public face: {@link io.github.bootkernel.engine.Machine} boots a kernel described
 * by a {@link io.github.bootkernel.engine.MachineConfig} and ends as a
 * {@link io.github.bootkernel.engine.GuestExit};
 * {@link io.github.bootkernel.engine.KvmAvailability} is the one probe of the host's KVM; failures
 * are the sealed {@link io.github.bootkernel.engine.EngineException} family. Exported.
 *
 * <p>Package-private here: the wiring of one machine ({@code Platform}: where each device sits,
 * the vCPU threads and the handling of their exits, and the watch on the kernel's own
 * end messages. This package may import every engine package; no exported type exposes one of
 * them (checked by {@code ArchitectureTest}).
 */
package io.github.bootkernel.engine;
