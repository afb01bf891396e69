/**
 * The KVM API ({@code Documentation/virt/kvm/api.rst}) as thin Java wrappers: the system, VM and
 * vCPU file descriptors, the ioctl numbers, the structs they exchange laid out byte by byte, the
 * shared {@code kvm_run} page decoded into typed exits, and memory mappings. Not exported. Because
 * every native call lives here, so does {@code HostStdin}, the process's standard input and its
 * terminal mode for the command-line tool.
 *
 * <p>{@code Native} is the only class in the project that imports JNA, and nothing public here
 * hands out a native buffer: every access to mapped memory is bounds-checked and fails with an
 * exception once the mapping is closed (checked by {@code ArchitectureTest}). This package imports
 * only the JDK and JNA.
 */
package io.github.bootkernel.engine.kvm;
