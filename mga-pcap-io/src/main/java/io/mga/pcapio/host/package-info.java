/**
 * Host delivery at a responder: a TUN device ({@link io.mga.pcapio.host.TunDevice}) between the responder and the
 * host's own IPv6 stack, and the kernel configuration around it ({@link io.mga.pcapio.host.HostDelivery}), so
 * that unmodified applications bound to the anycast address serve it.
 */
package io.mga.pcapio.host;
