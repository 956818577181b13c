package dev.lto.intelligence;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.lto.engine.EngineApi;
import dev.lto.testsupport.ServiceBoundaries;

@AnalyzeClasses(packages = "dev.lto.intelligence", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule onlyTheSimulatorSpi = ServiceBoundaries.ONLY_SIMULATOR_SPI;

    @ArchTest
    static final ArchRule noOtherService = ServiceBoundaries.noOtherServiceThan("intelligence");

    @ArchTest
    static final ArchRule featuresFreeOfCycles = ServiceBoundaries.FEATURES_FREE_OF_CYCLES;

    /** A type marked {@link EngineApi}, or nested in one. */
    private static final DescribedPredicate<JavaClass> ENGINE_API = DescribedPredicate.describe("the engine's API (@EngineApi)",
            c -> c.isAnnotatedWith(EngineApi.class)
                    || c.getEnclosingClass().map(e -> e.isAnnotatedWith(EngineApi.class)).orElse(false));

    /** The engine's learners, trainer and calibration stay behind its API (tradeoff-engine/README.md). */
    @ArchTest
    static final ArchRule onlyTheEngineApi = noClasses().should().dependOnClassesThat(
                    resideInAPackage("dev.lto.engine..").and(DescribedPredicate.not(ENGINE_API)))
            .because("intelligence-service wires the engine through its API only");
}
