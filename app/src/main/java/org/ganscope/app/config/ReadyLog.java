package org.ganscope.app.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ganscope.services.security.FirstStart;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * When the process is fully started: one log line (what it runs and where; the local cluster
 * and the tests wait for it) and, for a platform node, a short banner on the console after the
 * framework's logging: the dashboard's address, who signs in, and on the first start the
 * file holding the generated admin password (never the password itself).
 */
@Component
public class ReadyLog {
    private static final Logger LOG = LoggerFactory.getLogger(ReadyLog.class);

    private final String workers;
    private final TemporalConfig.Connection temporal;

    private final ObjectProvider<FirstStart> firstStart;

    public ReadyLog(@Value("${ganscope.workers}") String workers, TemporalConfig.Connection temporal, ObjectProvider<FirstStart> firstStart) {
        this.workers = workers;
        this.temporal = temporal;
        this.firstStart = firstStart;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void ready(ApplicationReadyEvent e) {
        var env = e.getApplicationContext().getEnvironment();
        String port = env.getProperty("local.server.port");
        String ui = temporal.server() instanceof TemporalDevServer d && d.uiUrl() != null ? ", Temporal web UI " + d.uiUrl() : "";
        String url = port == null ? null : "http://" + env.getProperty("server.address", "localhost") + ":" + port;
        LOG.info("ganscope ready: workers={}, temporal={}{}{}", workers, temporal.kind(), url == null ? " (no web server)"
                : ", dashboard and API at " + url, ui);
        if (url != null) {
            System.out.println(banner(url, temporal.kind(), ui.isEmpty() ? null : ((TemporalDevServer) temporal.server()).uiUrl(),
                    firstStart.getIfAvailable()));
            System.out.flush();
        }
    }

    static String banner(String url, String temporalKind, String temporalUi, FirstStart first) {
        String rule = "-".repeat(66);
        StringBuilder b = new StringBuilder("\n").append(rule).append('\n');
        b.append("  ganscope is ready:  ").append(url).append('\n');
        if (first != null && first.passwordFile() != null) {
            b.append("  sign in as admin with the password in  ").append(first.passwordFile()).append('\n');
            b.append("  (first start: generated, readable by you only; delete the file once you have it)\n");
        } else if (first != null && first.adminCreated()) {
            b.append("  sign in as admin with GANSCOPE_ADMIN_PASSWORD (first start)\n");
        } else {
            b.append("  sign in with your ganscope user (admin's password was set on the first start)\n");
        }
        b.append("  Temporal: ").append(temporalKind).append(temporalUi == null ? "" : ", web UI " + temporalUi)
                .append(temporalKind.equals("test-server") ? " (in memory: install the Temporal CLI for durable histories)" : "").append('\n');
        return b.append(rule).toString();
    }
}
