/**
 * What the address-translating samples' scenarios share: the seed's T2/T3 topologies on the simulated network, small
 * server programs, the shipped policies, and tcpdump-style checksum checks of every captured frame.
 */
package io.jwfp.scenarios.nat;
