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
                        "org.ganscope.workflows..", "org.ganscope.services..", "org.ganscope.ui..", "org.ganscope.app..")
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
        noClasses().that().resideInAnyPackage("org.ganscope.app..", "org.ganscope.services..", "org.ganscope.ui..")
                .should().dependOnClassesThat().resideInAPackage("org.ganscope.ops..")
                .because("the ops module (chaos, benchmarks, local cluster) runs the platform through its entry points; the platform knows nothing of it")
                .check(classes);
    }

    @Test
    void thePlatformHoldsNoChaosBenchOrClusterCode() {
        noClasses().should().resideInAnyPackage("org.ganscope.ops..", "org.ganscope.app.chaos..", "org.ganscope.app.bench..",
                        "org.ganscope.app.cluster..",
                        "org.ganscope.services.chaos..", "org.ganscope.services.bench..", "org.ganscope.ui.chaos..", "org.ganscope.ui.bench..")
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
        noClasses().that().resideInAPackage("org.ganscope.ui..")
                .should().dependOnClassesThat().resideInAnyPackage("org.ganscope.db..", "org.ganscope.activities..", "ai.onnxruntime..",
                        "ai.djl..", "java.sql..", "javax.sql..", "org.springframework.jdbc..", "org.postgresql..", "com.zaxxer..")
                .because("views call the application services (module services), which own repositories, ONNX, DJL and SQL")
                .check(classes);
    }

    @Test
    void theViewsAreTheUiModuleAndTheAssemblyHoldsNone() {
        noClasses().that().resideInAnyPackage("org.ganscope.app..", "org.ganscope.services..")
                .should().dependOnClassesThat().resideInAPackage("com.vaadin.flow.component..")
                .orShould().beAnnotatedWith("com.vaadin.flow.router.Route")
                .because("the views are the ui module (org.ganscope.ui); app assembles them, services know nothing of them").check(classes);
    }

    @Test
    void theServicesKnowNothingOfTheViewsOrTheAssembly() {
        noClasses().that().resideInAPackage("org.ganscope.services..")
                .should().dependOnClassesThat().resideInAnyPackage("org.ganscope.ui..", "org.ganscope.app..", "com.vaadin..")
                .because("services sit below ui and app: both call them, they call neither").check(classes);
        noClasses().that().resideInAPackage("org.ganscope.ui..")
                .should().dependOnClassesThat().resideInAPackage("org.ganscope.app..")
                .because("the ui module depends on services only; app depends on ui, not the other way").check(classes);
    }
}
