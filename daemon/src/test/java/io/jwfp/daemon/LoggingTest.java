package io.jwfp.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The built-in logback.xml and {@code --log-config}: what loads, what is refused with a one-line reason. */
class LoggingTest {
    @TempDir
    Path tmp;

    private static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }

    @AfterEach
    void builtIn() throws Exception {
        // Back to the jar's configuration for whatever runs next in this JVM.
        Logging.configure(Path.of(LoggingTest.class.getResource("/logback.xml").toURI()));
    }

    @Test
    void theBuiltInConfigurationLogsJwfpAtInfoAndOthersAtWarn() {
        assertThat(LoggingTest.class.getResource("/logback.xml")).as("shipped in the daemon's jar").isNotNull();
        LoggerContext c = context();
        assertThat(c.getLogger("io.jwfp.daemon.Jwfpd").getEffectiveLevel()).isEqualTo(Level.INFO);
        assertThat(c.getLogger("jwfpd").getEffectiveLevel()).isEqualTo(Level.INFO);
        assertThat(c.getLogger("org.example").getEffectiveLevel()).isEqualTo(Level.WARN);
        // The JDK's System.Logger (the management server's) reaches logback too.
        assertThat(System.getLogger("jwfpd").isLoggable(System.Logger.Level.INFO)).isTrue();
        assertThat(System.getLogger("jwfpd").isLoggable(System.Logger.Level.DEBUG)).isFalse();
    }

    @Test
    void logConfigReplacesTheConfiguration() throws Exception {
        Path f = Files.writeString(tmp.resolve("logback.xml"), """
                <configuration>
                  <logger name="io.jwfp" level="DEBUG"/>
                  <root level="ERROR"/>
                </configuration>
                """);
        Logging.configure(f);
        assertThat(context().getLogger("io.jwfp.daemon.Jwfpd").getEffectiveLevel()).isEqualTo(Level.DEBUG);
        assertThat(context().getLogger("org.example").getEffectiveLevel()).isEqualTo(Level.ERROR);
    }

    @Test
    void aMissingOrBrokenConfigurationIsRefusedWithTheReason() throws Exception {
        assertThatThrownBy(() -> Logging.configure(tmp.resolve("nope.xml")))
                .isInstanceOf(Jwfpd.StartupException.class).hasMessageContaining("no such readable file");
        Path broken = Files.writeString(tmp.resolve("broken.xml"), """
                <configuration>
                  <appender name="X" class="no.such.Appender"/>
                  <root level="INFO"><appender-ref ref="X"/></root>
                </configuration>
                """);
        assertThatThrownBy(() -> Logging.configure(broken)).isInstanceOf(Jwfpd.StartupException.class)
                .hasMessageContaining("--log-config " + broken).hasMessageContaining("no.such.Appender");
    }
}
