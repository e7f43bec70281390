/**
 * Port forwarding by IP header rewrite (the seed's second application): {@link
 * io.jwfp.callouts.samples.portforward.PortForwardCallouts} ({@code implementation: port-forward}); the policy is
 * {@code examples/policies/samples/port-forward.yaml}, the page {@code docs/samples/port-forward.md}.
 */
package io.jwfp.callouts.samples.portforward;
