package org.ganscope.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering rules of the design, checked on the compiled classes of every module: the
 * engine is a plain library, workflow code only orchestrates, deterministically, and the
 * operations tooling stays out of the platform.
 */
class LayeringTest {
    static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.ganscope");
    }

    @Test
    void theEngineImportsNoPlatformFramework() {
        noClasses().that().resideInAPackage("org.ganscope.analysis..")
                .should().dependOnClassesThat().resideInAnyPackage("io.temporal..", "org.springframework..", "com.vaadin..", "java.sql..",
                        "javax.sql..", "org.postgresql..", "org.flywaydb..", "com.zaxxer..", "org.ganscope.db..", "org.ganscope.activities..",
                        "org.ganscope.workflows..", "org.ganscope.app..")
                .because("analysis is the engine, a plain library (no Temporal, Spring, SQL or Vaadin)").check(classes);
    }

    @Test
    void workflowCodeDoesNoIoAndUsesNoClockRandomnessOrThreadsOfItsOwn() {
        noClasses().that().resideInAPackage("org.ganscope.workflows..")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio..", "java.net..", "java.sql..", "javax.sql..",
                        "java.util.concurrent..", "org.ganscope.db..", "ai.djl..", "ai.onnxruntime..")
                .because("workflow code is replayed: side effects belong in activities").check(classes);
        noClasses().that().resideInAPackage("org.ganscope.workflows..")
                .should().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Instant")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Math.class, "random")
                .because("Workflow.currentTimeMillis, Workflow.newRandom and Async keep replay deterministic").check(classes);
    }

    @Test
    void thePlatformDependsOnNoOperationsTooling() {
        noClasses().that().resideInAPackage("org.ganscope.app..")
                .should().dependOnClassesThat().resideInAPackage("org.ganscope.ops..")
                .because("the ops module (chaos, benchmarks, local cluster) runs the platform through its entry points; the platform knows nothing of it")
                .check(classes);
    }

    @Test
    void thePlatformHoldsNoChaosBenchOrClusterCode() {
        noClasses().should().resideInAnyPackage("org.ganscope.ops..", "org.ganscope.app.chaos..", "org.ganscope.app.bench..",
                        "org.ganscope.app.cluster..")
                .because("chaos, bench and cluster code lives in the ops module, not in the platform jar").check(classes);
    }

    @Test
    void workflowsDependOnTheActivitiesApiNotOnItsImplementations() {
        // the full rule (API classes told from implementation classes by where they are) is workflows' WorkflowRulesTest
        noClasses().that().resideInAPackage("org.ganscope.workflows..")
                .should().dependOnClassesThat().haveSimpleNameEndingWith("ActivitiesImpl")
                .orShould().dependOnClassesThat().resideInAnyPackage("org.ganscope.activities.store..", "org.ganscope.analysis..", "org.ganscope.db..")
                .check(classes);
    }

    @Test
    void viewsCallApplicationServicesOnlyNeverRepositoriesInferenceOrSql() {
        noClasses().that().resideInAPackage("org.ganscope.app.ui..")
                .should().dependOnClassesThat().resideInAnyPackage("org.ganscope.db..", "ai.onnxruntime..", "ai.djl..", "java.sql..",
                        "org.springframework.jdbc..")
                .because("views call the application services of the feature packages, which own repositories, ONNX, DJL and SQL")
                .check(classes);
    }
}
