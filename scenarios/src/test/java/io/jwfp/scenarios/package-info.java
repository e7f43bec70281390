/**
 * Acceptance scenarios of the seed's samples (seed-samples §12): one package per sample, each with its simulator
 * scenarios and, where Linux allows, its live scenarios in network namespaces the tests create.
 */
package io.jwfp.scenarios;
