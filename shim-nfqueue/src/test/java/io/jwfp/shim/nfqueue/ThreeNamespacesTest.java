package io.jwfp.shim.nfqueue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The T3 testbed works: every host reaches the others over the bridge, IPv4 and IPv6, and nothing is left behind. */
class ThreeNamespacesTest {
    @Test
    void hostsReachEachOtherThroughTheBridgeAndVanishAfterwards() throws Exception {
        TwoNamespaces.assumeLiveEnvironment();
        String a;
        try (ThreeNamespaces t = ThreeNamespaces.create("jwfpt-t3")) {
            a = t.a;
            assertThat(t.run(t.a, 10, "ping", "-c1", "-W2", ThreeNamespaces.C_V4).exitCode()).isZero();
            assertThat(t.run(t.b, 10, "ping", "-c1", "-W2", ThreeNamespaces.A_V4).exitCode()).isZero();
            assertThat(t.run(t.c, 10, "ping", "-6", "-c1", "-W2", ThreeNamespaces.B_V6).exitCode()).isZero();
        }
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("/run/netns", a))).isFalse();
    }
}
