// SPDX-License-Identifier: Apache-2.0
/*
 * A bounded flood for ForwardingRate: sends one Ethernet frame (given in hex) on an interface through a packet
 * socket, 64 frames per sendmmsg(2) call, for the given seconds, and prints how many it sent. Stops by itself.
 * Usage: flood IFNAME SECONDS HEXFRAME
 */
#define _GNU_SOURCE
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: flood IFNAME SECONDS HEXFRAME\n");
		return 2;
	}
	double seconds = atof(argv[2]);
	size_t n = strlen(argv[3]) / 2;
	if (n < 14 || n > 1514 || seconds <= 0 || seconds > 60) {
		fprintf(stderr, "flood: a frame of 14 to 1514 octets, 0 to 60 seconds\n");
		return 2;
	}
	unsigned char frame[1514];
	for (size_t i = 0; i < n; i++)
		sscanf(argv[3] + 2 * i, "%2hhx", &frame[i]);
	int s = socket(AF_PACKET, SOCK_RAW, 0);
	if (s < 0) {
		perror("flood: socket");
		return 1;
	}
	struct sockaddr_ll a = {.sll_family = AF_PACKET, .sll_ifindex = (int)if_nametoindex(argv[1]), .sll_halen = 6};
	if (a.sll_ifindex == 0) {
		perror("flood: interface");
		return 1;
	}
	memcpy(a.sll_addr, frame, 6);
	struct iovec iov = {.iov_base = frame, .iov_len = n};
	struct mmsghdr m[BATCH];
	for (int i = 0; i < BATCH; i++) {
		memset(&m[i], 0, sizeof(m[i]));
		m[i].msg_hdr.msg_name = &a;
		m[i].msg_hdr.msg_namelen = sizeof(a);
		m[i].msg_hdr.msg_iov = &iov;
		m[i].msg_hdr.msg_iovlen = 1;
	}
	long sent = 0;
	double end = now() + seconds;
	while (now() < end) {
		int r = sendmmsg(s, m, BATCH, 0);
		if (r > 0)
			sent += r;
	}
	printf("%ld\n", sent);
	close(s);
	return 0;
}
