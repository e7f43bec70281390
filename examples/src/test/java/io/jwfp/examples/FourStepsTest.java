package io.jwfp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FourStepsTest {
    @Test
    void theFourStepsBlockPort80AndPermitOthers() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            FourSteps.main(new String[0]);
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("connect tcp 10.200.0.2:80 -> FWP_ACTION_BLOCK (filter 1)");
        assertThat(out).contains("connect tcp 10.200.0.2:443 -> FWP_ACTION_PERMIT (filter 1)");
    }
}
