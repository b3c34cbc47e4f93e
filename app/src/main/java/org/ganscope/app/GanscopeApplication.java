package org.ganscope.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import java.util.Arrays;
import java.util.List;
import org.ganscope.app.client.ExperimentClient;

/**
 * ganscope in one process: embedded PostgreSQL (or an external one), the Temporal test
 * server (or an external cluster), the workers and the REST API.
 */
@SpringBootApplication(exclude = {DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class})
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
