package dev.lto.engine;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.lto.testsupport.ServiceBoundaries;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The engine is a library (like simulator-adapters): no service, web, stream or metrics code, and of
 * Spring only JDBC with its transactions (the registry and stores) and Boot's {@code @DefaultValue}
 * on the settings records (binding metadata: the defaults stay beside their settings). No stereotypes,
 * no {@code @ConfigurationProperties}, no events: intelligence-service makes the objects and binds the settings.
 */
@AnalyzeClasses(packages = "dev.lto.engine", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule onlyTheSimulatorSpi = ServiceBoundaries.ONLY_SIMULATOR_SPI;

    @ArchTest
    static final ArchRule concernsFreeOfCycles = ServiceBoundaries.FEATURES_FREE_OF_CYCLES;

    @ArchTest
    static final ArchRule noServiceCode = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("dev.lto.intelligence..", "dev.lto.ingestion..", "dev.lto.action..", "dev.lto.platform..",
                    "dev.lto.stream..")
            .because("the engine is a library the services use, never the other way round");

    @ArchTest
    static final ArchRule noWebStreamsOrMetrics = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("jakarta.servlet..", "org.springframework.web..", "org.springframework.http..",
                    "org.springframework.data.redis..", "io.lettuce..", "org.springframework.cloud..", "io.micrometer..",
                    "reactor..")
            .because("web, streams and metrics are intelligence-service's (issue #16: no web or stream code in the engine)");

    @ArchTest
    static final ArchRule springOnlyJdbcAndDefaults = noClasses().should().dependOnClassesThat(
                    resideInAPackage("org.springframework..")
                            .and(not(resideInAnyPackage("org.springframework.jdbc..", "org.springframework.transaction..",
                                    "org.springframework.dao..")))
                            .and(not(type(DefaultValue.class))))
            .because("the engine uses Spring's JDBC only; beans, settings binding and events are intelligence-service's");
}
