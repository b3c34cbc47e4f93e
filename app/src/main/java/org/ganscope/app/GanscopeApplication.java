package org.ganscope.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import com.vaadin.flow.spring.annotation.EnableVaadin;
import java.util.Arrays;
import java.util.List;
import org.ganscope.app.client.ExperimentClient;

/**
 * ganscope in one process: embedded PostgreSQL (or an external one), the Temporal test
 * server (or an external cluster), the workers, the REST API and the dashboard.
 *
 * <p>The assembly of three modules' packages: {@code org.ganscope.app} (configuration, REST controllers,
 * the command-line client), {@code org.ganscope.services} (the application services, module services)
 * and {@code org.ganscope.ui} (the Vaadin views, module ui). The views live in another jar than this
 * class, so Vaadin is told where its routes and the app shell are ({@link EnableVaadin}): by default it
 * would scan this class's package only.
 */
@SpringBootApplication(scanBasePackages = {"org.ganscope.app", "org.ganscope.services", "org.ganscope.ui"},
        exclude = {DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class})
@EnableVaadin("org.ganscope.ui")
public class GanscopeApplication {
    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        if (args.length > 0 && args[0].equals("experiment")) {
            ExperimentClient.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && List.of("chaos", "bench-workers", "bench-experiment", "bench-grid").contains(args[0])) {
            // the operations tooling is the ops module (org.ganscope.ops.Ops), not part of the platform jar
            System.err.println("ganscope: '" + args[0] + "' is not a platform command; run it through the launcher: ./ganscope "
                    + args[0].replace('-', ' '));
            System.exit(2);
        }
        SpringApplication.run(GanscopeApplication.class, args);
    }
}
