// SPDX-License-Identifier: Apache-2.0
/*
 * mga's kernel data plane for the Home Anycast Agent: an XDP program on the agent's interface.
 *
 * Packets for a served anycast address with a binding are tunnelled IPv6-in-IPv6 (RFC 2473) to the care-of
 * address the engine's selection table names, and reverse-tunnelled packets from registered care-of addresses are
 * decapsulated; both leave through the same interface towards the default router (XDP_TX). Everything else -
 * Binding Updates, DHAAD, ICMPv6 errors and Neighbor Discovery, packets too big to tunnel, anycast addresses whose
 * table could not be installed - is passed up (XDP_PASS), where the Java agent (pcap) handles it as it always did.
 *
 * XDP rather than TC: a packet socket (pcap) taps every frame before TC ingress runs, so the Java agent would see
 * and forward again what TC had already tunnelled; a frame that XDP transmits never reaches the taps.
 *
 * The maps are written by the Java control plane (io.mga.kernel.KernelDataPlane); their layout is mirrored there
 * (MapLayout). Every bound is fixed here: a flood cannot grow anything.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TABLE_BITS 12
#define TABLE_SIZE (1u << TABLE_BITS)
#define MAX_TABLES 256
#define MAX_ANYCAST 262144
#define MAX_CAREOF 524288
#define MAX_PINS 65536
#define MAX_SERVED 256

#define IP6_HLEN 40
#define NH_IPV6 41
#define NH_ICMPV6 58
#define ICMPV6_HAAD_REQUEST 144

/* counters, one slot each in the per-CPU array (mirrored in io.mga.kernel.KernelCounters) */
enum {
	C_FORWARDED = 0,        /* tunnelled to a responder */
	C_REVERSE_FORWARDED,    /* decapsulated from a registered care-of address, sent on */
	C_MALFORMED,            /* IPv6 ethertype, but truncated or not version 6: dropped */
	C_NO_BINDING,           /* a served anycast address with no binding: dropped */
	C_DROPPED_HOP_LIMIT,    /* inner hop limit would reach 0: dropped */
	C_DROPPED_REVERSE_SOURCE, /* reverse tunnel from a source that is no registered care-of: dropped */
	C_DROPPED_REVERSE_DESTINATION, /* reverse tunnel to a non-routable, served or own address: dropped */
	C_PASSED_TOO_BIG,       /* too big to tunnel on this link: passed to the Java agent (Packet Too Big) */
	C_PASSED_NO_TABLE,      /* no selection table installed, or the bindings not mirrored yet: passed to Java */
	C_PASSED_NO_ROUTER,     /* router's Ethernet address not known yet: passed to Java */
	C_PASSED_OTHER,         /* not for the data path (BU, ND, DHAAD, errors, other addresses): passed */
	C_NOT_IPV6,             /* not an IPv6 frame: passed to the host stack (the agent ignores it) */
	C_PIN_HITS,             /* tunnelled to a pinned responder */
	C_COUNT = 16
};

struct config {
	__u8 agent[16];     /* the agent's address: outer source, reverse tunnel's outer destination */
	__u8 own_mac[6];    /* the interface's Ethernet address */
	__u8 router_mac[6]; /* the default router's (all zero: not known yet) */
	__u32 mtu;          /* the link MTU: the largest IPv6 packet, outer header included */
	__u32 hop_limit;    /* the outer hop limit */
	__u32 flags;        /* bit 0: enabled; bit 1: pinning; bit 2: the agent's bindings are mirrored */
	__u64 hash_key;     /* the selection table's initiator hash secret */
	__u64 label_secret; /* the Flow Label secret and odd multiplier (the engine's TunnelLabels) */
	__u64 label_multiplier;
	__u64 pin_idle_ns;  /* how long a pin lasts without a packet */
};

#define F_ENABLED 1u
#define F_PINS 2u
#define F_MIRRORED 4u /* set once the agent has reported the bindings it held at start (see unknown) */

struct anycast_value {
	__u32 count;        /* bindings (1: care-of below; more: table) */
	__u32 table;        /* the table's index, when count > 1; 0xffffffff: not installed */
	__u8 care_of[16];
};

struct pair_key {
	__u8 a[16];
	__u8 b[16];
};

struct pin_value {
	__u8 care_of[16];
	__u64 last_ns;
};

struct lpm_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct config);
} mga_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ANYCAST);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* written by the control plane only: memory as used */
	__type(key, struct in6_addr);
	__type(value, struct anycast_value);
} mga_anycast SEC(".maps");

/* entry t * TABLE_SIZE + i: the care-of address of table t's entry i; mapped into the control plane's memory,
 * which writes the entries that move with plain stores (no system call per entry) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_TABLES * TABLE_SIZE);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct in6_addr);
} mga_tables SEC(".maps");

/* (anycast, care-of) -> bindings with that care-of: the reverse tunnel's source check, the pins' validity */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_CAREOF);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct pair_key);
	__type(value, __u32);
} mga_care_of SEC(".maps");

/* (initiator, anycast) -> care-of and last use */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_PINS);
	__type(key, struct pair_key);
	__type(value, struct pin_value);
} mga_pins SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, MAX_SERVED);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key);
	__type(value, __u8);
} mga_served SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, C_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} mga_counters SEC(".maps");

struct ip6 {
	__be32 vtcfl;
	__be16 payload_len;
	__u8 nexthdr;
	__u8 hop_limit;
	__u8 saddr[16];
	__u8 daddr[16];
};

static __always_inline int count(__u32 c, int verdict)
{
	__u64 *v = bpf_map_lookup_elem(&mga_counters, &c);
	if (v)
		*v += 1;
	return verdict;
}

/* What the tables do not know (a served address without a binding, a reverse tunnel from no registered care-of):
 * dropped and counted as `dropped`; but before the agent has mirrored the bindings it held at start (a restart from
 * saved state: the program is attached first), the Java agent, which holds them, decides */
static __always_inline int unknown(const struct config *cfg, __u32 dropped)
{
	if (!(cfg->flags & F_MIRRORED))
		return count(C_PASSED_NO_TABLE, XDP_PASS);
	return count(dropped, XDP_DROP);
}

/* SplitMix64's finaliser: io.mga.engine.hash.KeyedHash.mix */
static __always_inline __u64 mix(__u64 z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static __always_inline __u64 high(const __u8 *a)
{
	__u64 v;
	__builtin_memcpy(&v, a, 8);
	return bpf_be64_to_cpu(v);
}

static __always_inline __u64 low(const __u8 *a)
{
	__u64 v;
	__builtin_memcpy(&v, a + 8, 8);
	return bpf_be64_to_cpu(v);
}

static __always_inline int same16(const __u8 *a, const __u8 *b)
{
	__u64 x, y, z, w;
	__builtin_memcpy(&x, a, 8);
	__builtin_memcpy(&y, b, 8);
	__builtin_memcpy(&z, a + 8, 8);
	__builtin_memcpy(&w, b + 8, 8);
	return x == y && z == w;
}

static __always_inline int same6(const __u8 *a, const __u8 *b)
{
	__u32 x, y;
	__u16 z, w;
	__builtin_memcpy(&x, a, 4);
	__builtin_memcpy(&y, b, 4);
	__builtin_memcpy(&z, a + 4, 2);
	__builtin_memcpy(&w, b + 4, 2);
	return x == y && z == w;
}

static __always_inline int zero6(const __u8 *m)
{
	return (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) == 0;
}

/* io.mga.api.Ipv6Address.isUnicastRoutable */
static __always_inline int routable(__u64 h, __u64 l)
{
	if (h == 0 && (l == 0 || l == 1))
		return 0;
	__u32 top10 = (__u32)(h >> 54);
	return (h >> 56) != 0xff && top10 != (0xfe80 >> 6) && top10 != (0xfec0 >> 6);
}

static __always_inline int served(const __u8 *a)
{
	struct lpm_key k = { .prefixlen = 128 };
	__builtin_memcpy(k.addr, a, 16);
	return bpf_map_lookup_elem(&mga_served, &k) != NULL;
}

static __always_inline void ethernet(struct ethhdr *eth, const struct config *cfg)
{
	__builtin_memcpy(eth->h_dest, cfg->router_mac, 6);
	__builtin_memcpy(eth->h_source, cfg->own_mac, 6);
	eth->h_proto = bpf_htons(ETH_P_IPV6);
}

/* RFC 6275 §10.4.5 and the Java agent's Forwarder.reverseTunnel: outer source must be a registered care-of address
 * of the inner source (an anycast address); the inner destination must be routable, not served, not the agent */
static __always_inline int reverse(struct xdp_md *ctx, const struct config *cfg, __u32 outer_len)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ip6 *outer = (void *)(eth + 1);
	struct ip6 *in = (void *)(outer + 1);
	if ((void *)(in + 1) > end)
		return count(C_MALFORMED, XDP_DROP);
	if ((bpf_ntohl(in->vtcfl) >> 28) != 6 || IP6_HLEN + (__u32)bpf_ntohs(in->payload_len) > outer_len - IP6_HLEN)
		return count(C_MALFORMED, XDP_DROP);
	struct pair_key k;
	__builtin_memcpy(k.a, in->saddr, 16);
	__builtin_memcpy(k.b, outer->saddr, 16);
	if (!bpf_map_lookup_elem(&mga_care_of, &k))
		return unknown(cfg, C_DROPPED_REVERSE_SOURCE);
	__u64 dh = high(in->daddr), dl = low(in->daddr);
	if (!routable(dh, dl) || same16(in->daddr, cfg->agent) || served(in->daddr))
		return count(C_DROPPED_REVERSE_DESTINATION, XDP_DROP);
	if (in->hop_limit <= 1)
		return count(C_DROPPED_HOP_LIMIT, XDP_DROP);
	in->hop_limit -= 1; /* no IPv6 header checksum; the hop limit is in no pseudo-header */
	if (bpf_xdp_adjust_head(ctx, IP6_HLEN))
		return count(C_MALFORMED, XDP_DROP);
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > end)
		return XDP_DROP;
	ethernet(eth, cfg);
	return count(C_REVERSE_FORWARDED, XDP_TX);
}

static __always_inline const __u8 *choose(const struct config *cfg, struct anycast_value *av, struct ip6 *ip,
		struct pin_value *fresh)
{
	if (av->count == 1)
		return av->care_of;
	struct pair_key k;
	__builtin_memcpy(k.a, ip->saddr, 16);
	__builtin_memcpy(k.b, ip->daddr, 16);
	__u64 now = bpf_ktime_get_ns();
	if (cfg->flags & F_PINS) {
		struct pin_value *p = bpf_map_lookup_elem(&mga_pins, &k);
		if (p && now - p->last_ns < cfg->pin_idle_ns) {
			struct pair_key c;
			__builtin_memcpy(c.a, ip->daddr, 16);
			__builtin_memcpy(c.b, p->care_of, 16);
			if (bpf_map_lookup_elem(&mga_care_of, &c)) { /* the pinned responder still holds a binding */
				p->last_ns = now;
				count(C_PIN_HITS, 0);
				return p->care_of;
			}
		}
	}
	/* io.mga.engine.SelectionTable.index: the top TABLE_BITS of a keyed mix of the initiator address */
	__u64 h = mix(mix(high(ip->saddr) ^ cfg->hash_key) ^ low(ip->saddr));
	__u32 e = av->table * TABLE_SIZE + (__u32)(h >> (64 - TABLE_BITS));
	struct in6_addr *c = bpf_map_lookup_elem(&mga_tables, &e);
	if (!c)
		return NULL;
	if (cfg->flags & F_PINS) {
		__builtin_memcpy(fresh->care_of, c, 16);
		fresh->last_ns = now;
		bpf_map_update_elem(&mga_pins, &k, fresh, BPF_ANY);
	}
	return (const __u8 *)c;
}

SEC("xdp")
int mga_haa(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end)
		return count(C_MALFORMED, XDP_DROP);
	if (eth->h_proto != bpf_htons(ETH_P_IPV6))
		return count(C_NOT_IPV6, XDP_PASS);
	__u32 zero = 0;
	struct config *cfg = bpf_map_lookup_elem(&mga_config, &zero);
	if (!cfg || !(cfg->flags & F_ENABLED))
		return XDP_PASS;
	struct ip6 *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return count(C_MALFORMED, XDP_DROP);
	__u32 frame = (__u32)(end - data);
	__u32 len = IP6_HLEN + (__u32)bpf_ntohs(ip->payload_len); /* the IPv6 packet, without Ethernet padding */
	if ((bpf_ntohl(ip->vtcfl) >> 28) != 6 || len > frame - ETH_HLEN)
		return count(C_MALFORMED, XDP_DROP);
	if (!same6(eth->h_dest, cfg->own_mac) || ip->daddr[0] == 0xff)
		return count(C_PASSED_OTHER, XDP_PASS); /* multicast (ND) and frames for others */
	if (same16(ip->daddr, cfg->agent)) {
		if (ip->nexthdr != NH_IPV6)
			return count(C_PASSED_OTHER, XDP_PASS); /* Binding Updates, ICMPv6 errors: the Java agent */
		if (zero6(cfg->router_mac))
			return count(C_PASSED_NO_ROUTER, XDP_PASS);
		return reverse(ctx, cfg, len);
	}
	struct anycast_value *av = bpf_map_lookup_elem(&mga_anycast, ip->daddr);
	if (!av) {
		if (!served(ip->daddr))
			return count(C_PASSED_OTHER, XDP_PASS);
		/* DHAAD requests go to the agent (RFC 6275 §10.5); so does Neighbor Discovery for the address */
		if (ip->nexthdr == NH_ICMPV6)
			return count(C_PASSED_OTHER, XDP_PASS);
		return unknown(cfg, C_NO_BINDING);
	}
	if (ip->nexthdr == NH_ICMPV6) {
		/* Neighbor Discovery (types 133 to 137) for the anycast address is answered by the Java agent */
		__u8 *type = (void *)(ip + 1);
		if ((void *)(type + 1) > end)
			return count(C_MALFORMED, XDP_DROP);
		if (*type >= 133 && *type <= 137)
			return count(C_PASSED_OTHER, XDP_PASS);
	}
	if (av->count > 1 && av->table >= MAX_TABLES)
		return count(C_PASSED_NO_TABLE, XDP_PASS);
	if (zero6(cfg->router_mac))
		return count(C_PASSED_NO_ROUTER, XDP_PASS);
	/* RFC 2473 §3.1: entering the tunnel is one hop for the inner packet */
	if (ip->hop_limit <= 1)
		return count(C_DROPPED_HOP_LIMIT, XDP_DROP);
	/* RFC 2473 §7.1: a packet that does not fit the tunnel MTU gets a Packet Too Big; the Java agent answers it */
	if (len + IP6_HLEN > cfg->mtu || len > 65535)
		return count(C_PASSED_TOO_BIG, XDP_PASS);
	struct pin_value fresh;
	const __u8 *care_of = choose(cfg, av, ip, &fresh);
	if (!care_of)
		return count(C_PASSED_NO_TABLE, XDP_PASS);
	struct ip6 outer;
	/* RFC 2473 §6.3 hop limit configured; §6.4 Traffic Class: a configured value, 0 as the Java path; Flow Label:
	 * the engine's TunnelLabels (a keyed hash of inner source and care-of address, RFC 6438) */
	__u64 label = ((high(ip->saddr) ^ low(ip->saddr) ^ high(care_of) ^ low(care_of) ^ cfg->label_secret)
			* cfg->label_multiplier) >> 44;
	outer.vtcfl = bpf_htonl((6u << 28) | ((__u32)label & 0xfffff));
	outer.payload_len = bpf_htons((__u16)len);
	outer.nexthdr = NH_IPV6;
	outer.hop_limit = (__u8)cfg->hop_limit;
	__builtin_memcpy(outer.saddr, cfg->agent, 16);
	__builtin_memcpy(outer.daddr, care_of, 16);
	ip->hop_limit -= 1;
	if (bpf_xdp_adjust_head(ctx, -IP6_HLEN))
		return count(C_PASSED_OTHER, XDP_PASS);
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	eth = data;
	struct ip6 *o = (void *)(eth + 1);
	if ((void *)(o + 1) > end)
		return XDP_DROP;
	ethernet(eth, cfg);
	__builtin_memcpy(o, &outer, sizeof(outer));
	/* frames shorter than the IPv6 packet were dropped above; Ethernet padding past it stays and is harmless */
	return count(C_FORWARDED, XDP_TX);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
