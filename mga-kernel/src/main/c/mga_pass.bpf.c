// SPDX-License-Identifier: Apache-2.0
/*
 * XDP_PASS and nothing else, for the peer of a veth that runs mga_haa: a frame that XDP transmits on a veth is
 * handed to the peer's XDP queue, which exists only while the peer has an XDP program (or NAPI), else the frame is
 * lost. A physical NIC needs nothing of the kind. Used by the tests and the benchmark.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int mga_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
