/**
 * BOT-Man-JL's WFP traffic redirection driver (seed-samples §7): {@link
 * io.jwfp.callouts.samples.redirect.RedirectCallouts} ({@code implementation: traffic-redirection}); the policies are
 * {@code examples/policies/samples/traffic-redirection*.yaml}, the page {@code docs/samples/traffic-redirection.md}.
 */
package io.jwfp.callouts.samples.redirect;
