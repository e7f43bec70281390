package io.jwfp.callouts.samples.stmedit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The sample's registry values: defaults, checks, and messages that name the key. */
class StmeditConfigTest {
    @Test
    void defaultsAreTheSamples() {
        StmeditConfig c = StmeditConfig.defaults();
        assertThat(new String(c.stringToFind(), StandardCharsets.UTF_8)).isEqualTo("rainy");
        assertThat(new String(c.stringX(), StandardCharsets.UTF_8)).isEqualTo("cloudy");
        assertThat(new String(c.stringToReplace(), StandardCharsets.UTF_8)).isEqualTo("sunny");
        assertThat(c.inspectionLocalPort()).isEqualTo(8888);
        assertThat(c.inspectionRemotePort()).isZero();
        assertThat(c.inspectionDirection()).isEqualTo(StmeditConfig.DIRECTION_BOTH);
        assertThat(c.multipleCallouts()).isTrue();
        assertThat(c.busyThresholdBytes()).isEqualTo(16 * 1024);
    }

    @Test
    void bothPortsZeroFallsBackToLocalPort8888() {
        StmeditConfig c = StmeditConfig.parse(Map.of("InspectionLocalPort", 0, "InspectionRemotePort", 0),
                Set.copyOf(StmeditConfig.KEYS), "t");
        assertThat(c.inspectionLocalPort()).isEqualTo(8888);
        assertThat(StmeditConfig.parse(Map.of("InspectionLocalPort", 0, "InspectionRemotePort", 80),
                Set.copyOf(StmeditConfig.KEYS), "t").inspectionLocalPort()).isZero();
    }

    @Test
    void badValuesNameTheirKey() {
        Set<String> all = Set.copyOf(StmeditConfig.KEYS);
        assertThatThrownBy(() -> StmeditConfig.parse(Map.of("StringToFind", "x".repeat(128)), all, "t"))
                .hasMessageStartingWith("StringToFind: ").hasMessageContaining("128 bytes");
        assertThatThrownBy(() -> StmeditConfig.parse(Map.of("StringX", ""), all, "t"))
                .hasMessageStartingWith("StringX: ");
        assertThatThrownBy(() -> StmeditConfig.parse(Map.of("InspectionDirection", 3), all, "t"))
                .hasMessageStartingWith("InspectionDirection: 3 is out of range");
        assertThatThrownBy(() -> StmeditConfig.parse(Map.of("InspectionLocalPort", "http"), all, "t"))
                .hasMessageStartingWith("InspectionLocalPort: 'http' is not an integer");
        assertThatThrownBy(() -> StmeditConfig.parse(Map.of("BusyThreshold", 0), all, "t"))
                .hasMessageStartingWith("BusyThreshold: 0 is out of range");
        // The README's misspelling of the sample is not a key.
        assertThatThrownBy(() -> StmeditConfig.parse(Map.of("InspectioDirection", 1), all, "t"))
                .hasMessageStartingWith("InspectioDirection: unknown key");
    }

    @Test
    void eachCalloutTakesItsOwnKeysAndSaysWhereTheOthersGo() {
        assertThatThrownBy(() -> new StmeditCallouts.OobStream().create(UUID.randomUUID(),
                Map.of("InspectionLocalPort", 9000), null))
                .hasMessageStartingWith("InspectionLocalPort: unknown key for stmedit-oob-stream")
                .hasMessageContaining("flow-established filters");
        assertThatThrownBy(() -> new StmeditCallouts.InlineStream().create(UUID.randomUUID(),
                Map.of("BusyThreshold", 8), null))
                .hasMessageContaining("stmedit-oob-stream");
        assertThat(new StmeditCallouts.OobStream().create(UUID.randomUUID(),
                Map.of("StringToFind", "a", "StringX", "b", "BusyThreshold", 8), null)).isNotNull();
    }
}
