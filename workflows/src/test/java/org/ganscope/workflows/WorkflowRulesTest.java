package org.ganscope.workflows;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.ganscope.activities.TaskQueues;
import org.ganscope.activities.dissect.DissectActivitiesImpl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The workflow module's rules, on its compiled main classes: it sees the activities only
 * through their API module (interfaces, tasks, queues, failure types), never an
 * implementation, the engine, the database or ONNX Runtime; and its code is replayed, so it
 * does no I/O and uses no clock, randomness or threads of its own.
 */
class WorkflowRulesTest {
    static JavaClasses classes;
    /** Where the activities API's classes are (its jar or classes folder): they share packages with the implementations. */
    static String apiLocation;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.ganscope.workflows", "org.ganscope.activities");
        apiLocation = TaskQueues.class.getProtectionDomain().getCodeSource().getLocation().toString();
    }

    static boolean inApi(JavaClass c) {
        return c.getSource().map(s -> s.getUri().toString().contains(apiLocation.replaceFirst("^file:", ""))).orElse(false);
    }

    static final DescribedPredicate<JavaClass> ACTIVITIES_IMPLEMENTATION = DescribedPredicate.describe(
            "are activities classes outside the activities API", c -> c.getPackageName().startsWith("org.ganscope.activities") && !inApi(c));

    @Test
    void thePredicateTellsTheApiFromTheImplementation() {
        assertTrue(inApi(classes.get(TaskQueues.class)), apiLocation);
        assertTrue(inApi(classes.get(org.ganscope.activities.dissect.DissectTask.class)), apiLocation);
        assertFalse(inApi(classes.get(DissectActivitiesImpl.class)), apiLocation);
        assertFalse(inApi(classes.get(org.ganscope.activities.Failures.class)), apiLocation);
    }

    @Test
    void workflowsDependOnTheActivitiesApiOnly() {
        noClasses().that().resideInAPackage("org.ganscope.workflows..")
                .should().dependOnClassesThat(ACTIVITIES_IMPLEMENTATION)
                .orShould().dependOnClassesThat().resideInAnyPackage("org.ganscope.db..", "org.ganscope.analysis..", "ai.onnxruntime..",
                        "ai.djl..", "org.springframework..")
                .because("the workflow schedules activities through their API; implementations, engine and database run on workers")
                .check(classes);
    }

    @Test
    void theActivitiesApiDependsOnNoImplementationEngineOrDatabase() {
        noClasses().that(DescribedPredicate.describe("are in the activities API", WorkflowRulesTest::inApi))
                .should().dependOnClassesThat(ACTIVITIES_IMPLEMENTATION)
                .orShould().dependOnClassesThat().resideInAnyPackage("org.ganscope.db..", "org.ganscope.analysis..", "ai.onnxruntime..",
                        "ai.djl..", "com.fasterxml.jackson..")
                .because("the API is what workflows compile against: records, interfaces and constants").check(classes);
    }

    @Test
    void workflowCodeDoesNoIoAndUsesNoClockRandomnessOrThreadsOfItsOwn() {
        noClasses().that().resideInAPackage("org.ganscope.workflows..")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio..", "java.net..", "java.sql..", "javax.sql..",
                        "java.util.concurrent..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.SecureRandom")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.UUID")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Instant")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.LocalDateTime")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(System.class, "getenv", String.class)
                .orShould().callMethod(System.class, "getProperty", String.class)
                .orShould().callMethod(Math.class, "random")
                .because("workflow code is replayed: Workflow.currentTimeMillis, Workflow.newRandom and Async keep it deterministic,"
                        + " side effects belong in activities").check(classes);
    }
}
