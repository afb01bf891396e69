/**
 * The host side of the guest agent protocol ({@code docs/guest-agent-protocol.md}). Not exported.
 *
 * <p>The codec: {@link io.github.bootkernel.engine.agent.internal.Frame} (encodes),
 * {@link io.github.bootkernel.engine.agent.internal.FrameReader} (decodes and checks, naming a bad
 * frame's offset, type, request id and reason), {@code PayloadWriter}, {@code PayloadReader} and
 * {@code Payloads} (the fields of each frame type and their limits).
 *
 * <p>The client: {@link io.github.bootkernel.engine.agent.internal.AgentClient} over any two byte
 * streams; its {@code Channel} (state, handshake, requests by id, the reader thread), its
 * {@code Outbox} (the writer thread) and one {@code Call} per request ({@code ExecCall},
 * {@code PutCall}, {@code GetCall}, and {@code KlogCall}, which hands the kernel log's records to a
 * {@link io.github.bootkernel.engine.agent.internal.KlogReceiver}). The machine wires it to the second UART;
 * {@link io.github.bootkernel.engine.agent.internal.AbsentAgent} stands in without an agent.
 *
 * <p>It imports the JDK, the exported {@code agent} API and the engine's exception types, nothing
 * of KVM.
 */
package io.github.bootkernel.engine.agent.internal;
