/**
 * What the address-translating samples share (port forwarding, ddproxy, traffic redirection): configuration reading
 * with errors that name the key, in-place address and port rewriting with RFC 1624 checksum patches, lazily created
 * injection handles with the loop guard, and the per-engine state a sample's several callouts share.
 */
package io.jwfp.callouts.samples.nat;
