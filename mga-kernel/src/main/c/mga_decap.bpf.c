// SPDX-License-Identifier: Apache-2.0
/*
 * For tests: a plain Linux host as the exit of the agent's tunnels, on a kernel without ip6tnl. A TC ingress
 * program that strips the outer IPv6 header of IPv6-in-IPv6 packets (next header 41) and hands the inner packet to
 * the host's stack, where an unmodified server holds the anycast address. Not part of the agent.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("tc")
int mga_decap(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IPV6) || ip->nexthdr != 41)
		return TC_ACT_OK;
	if (bpf_skb_adjust_room(skb, -(int)sizeof(struct ipv6hdr), BPF_ADJ_ROOM_MAC, 0))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
