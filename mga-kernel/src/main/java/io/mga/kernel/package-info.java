/**
 * The Home Anycast Agent's kernel data plane ({@code mga haa --data-plane=kernel}): {@link
 * io.mga.kernel.KernelDataPlane} loads the XDP program built from {@code src/main/c/mga_haa.bpf.c}, attaches it to
 * the agent's interface and mirrors the agent's binding cache into its maps through bpf(2); {@link
 * io.mga.kernel.KernelCounters} reads the program's counters back. Uses {@code io.mga.engine} (the agent's
 * {@link io.mga.engine.BindingTableListener} and {@link io.mga.engine.SelectionTable}) and JNA; nothing here
 * depends on pcap.
 */
package io.mga.kernel;
