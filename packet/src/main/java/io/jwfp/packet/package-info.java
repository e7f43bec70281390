/** Header views over memory, immutable packet records, checksums. */
package io.jwfp.packet;
