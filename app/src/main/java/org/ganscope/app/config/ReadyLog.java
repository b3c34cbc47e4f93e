package org.ganscope.app.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** One line when the process is fully started: what it runs and, for a platform node, where. */
@Component
public class ReadyLog {
    private static final Logger LOG = LoggerFactory.getLogger(ReadyLog.class);

    private final String workers;
    private final TemporalConfig.Connection temporal;

    public ReadyLog(@Value("${ganscope.workers}") String workers, TemporalConfig.Connection temporal) {
        this.workers = workers;
        this.temporal = temporal;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void ready(ApplicationReadyEvent e) {
        var env = e.getApplicationContext().getEnvironment();
        String port = env.getProperty("local.server.port");
        String ui = temporal.server() instanceof TemporalDevServer d && d.uiUrl() != null ? ", Temporal web UI " + d.uiUrl() : "";
        LOG.info("ganscope ready: workers={}, temporal={}{}{}", workers, temporal.kind(), port == null ? " (no web server)"
                : ", dashboard and API at http://" + env.getProperty("server.address", "localhost") + ":" + port, ui);
    }
}
