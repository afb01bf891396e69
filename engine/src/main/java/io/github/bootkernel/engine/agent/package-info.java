/**
 * The command channel into a guest: run programs with their exit status and separate output, and
 * copy files in and out, through {@code bootkernel-agent} on the guest's second serial port
 * (ttyS1). Get it with {@link io.github.bootkernel.engine.Machine#agent()}. Exported.
 *
 * <p>The wire protocol is {@code docs/guest-agent-protocol.md}. This package holds the API only;
 * the implementation (frame codec, request multiplexing, the transport over the UART) lives in the
 * non-exported {@code agent.internal}. It imports the JDK and the engine's exception types.
 */
package io.github.bootkernel.engine.agent;
