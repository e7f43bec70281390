package io.jwfp.daemon;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * jwfpd's logging: SLF4J with logback. The built-in configuration is {@code logback.xml} in the jar (INFO and up to
 * stderr, the level from {@code JWFP_LOG_LEVEL}); {@code -Dlogback.configurationFile=FILE} replaces it before the
 * first line is logged, {@code --log-config FILE} replaces it once the command line is read. Not thread-safe: called
 * once, at start.
 */
final class Logging {
    private Logging() {}

    /**
     * Replaces the logging configuration with {@code file}.
     *
     * @throws Jwfpd.StartupException when the file is missing or logback reports an error in it
     */
    static void configure(Path file) {
        if (!Files.isReadable(file)) throw new Jwfpd.StartupException("--log-config " + file + ": no such readable file");
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            throw new Jwfpd.StartupException("--log-config: logback is not the SLF4J provider here ("
                    + LoggerFactory.getILoggerFactory().getClass().getName() + ")");
        }
        context.reset();
        context.getStatusManager().clear(); // only this configuration's reports count below
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(context);
        String failure = null;
        try {
            joran.doConfigure(file.toFile());
        } catch (JoranException e) {
            failure = e.getMessage();
        }
        // logback records what went wrong as status entries; the first error says it best.
        for (Status s : context.getStatusManager().getCopyOfStatusList()) {
            if (s.getLevel() == Status.ERROR) {
                Throwable cause = s.getThrowable();
                failure = s.getMessage() + (cause != null && cause.getMessage() != null ? " (" + cause.getMessage() + ")" : "");
                break;
            }
        }
        if (failure != null) throw new Jwfpd.StartupException("--log-config " + file + ": " + failure);
    }
}
