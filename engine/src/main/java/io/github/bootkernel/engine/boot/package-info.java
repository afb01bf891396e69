/**
 * The Linux x86 boot protocol ({@code Documentation/arch/x86/boot.rst}) and the platform tables:
 * bzImage validation, the load plan and the loader, the zero page and e820 map, the 32-bit entry
 * state of the boot CPU, CPUID, the MP table and the ACPI tables. Not exported.
 *
 * <p>Everything here computes descriptions (bytes to write, register values) and checks them; it
 * writes only through {@code memory.GuestMemory} and holds no KVM resource: it may use the data
 * structs of {@code kvm} ({@code Regs}, {@code Sregs}, {@code CpuidEntry}, ...) but not a file
 * descriptor, a mapping or a native call (checked by {@code ArchitectureTest}).
 */
package io.github.bootkernel.engine.boot;
