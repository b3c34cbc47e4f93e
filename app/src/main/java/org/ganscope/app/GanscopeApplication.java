package org.ganscope.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;

/**
 * ganscope in one process: embedded PostgreSQL (or an external one), the Temporal test
 * server (or an external cluster), the workers and the REST API.
 */
@SpringBootApplication(exclude = {DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class})
public class GanscopeApplication {
    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        if (args.length > 0 && args[0].equals("bench-workers")) {
            org.ganscope.app.cluster.WorkersBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("chaos")) {
            org.ganscope.app.chaos.ChaosRun.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("experiment")) {
            org.ganscope.app.client.ExperimentClient.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("bench-experiment")) {
            org.ganscope.app.bench.ExperimentBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("bench-grid")) {
            org.ganscope.app.bench.GridBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        SpringApplication.run(GanscopeApplication.class, args);
    }
}
