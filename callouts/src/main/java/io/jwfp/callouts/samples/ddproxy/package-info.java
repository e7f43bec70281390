/**
 * ddproxy, Microsoft's Datagram-Data transparent proxy sample (seed-samples §3): {@link
 * io.jwfp.callouts.samples.ddproxy.DdProxyCallouts} ({@code implementation: ddproxy}); the policies are
 * {@code examples/policies/samples/ddproxy*.yaml}, the page {@code docs/samples/ddproxy.md}.
 */
package io.jwfp.callouts.samples.ddproxy;
