package dev.lto.testsupport;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The module boundaries every LTO service is held to, applied by each service's
 * {@code ArchitectureTest} (DESIGN §3, seed principle P3).
 */
public final class ServiceBoundaries {

    private static final List<String> SERVICES = List.of("ingestion", "intelligence", "action");

    /** The core receives simulator adapters by injection: only the SPI may be named. */
    public static final ArchRule ONLY_SIMULATOR_SPI = noClasses()
            .should().dependOnClassesThat(resideInAPackage("dev.lto.simulator..").and(not(resideInAPackage("dev.lto.simulator.spi.."))))
            .because("services see simulators only through dev.lto.simulator.spi (ADR-001 of the seed)")
            .allowEmptyShould(true);

    /** Feature packages of a service ({@code dev.lto.<service>.<feature>}) do not depend on each other in a cycle. */
    public static final ArchRule FEATURES_FREE_OF_CYCLES = slices().matching("dev.lto.(*).(*)..").should().beFreeOfCycles()
            .allowEmptyShould(true);

    /** A service never reaches into another service's code; they talk through streams and HTTP. */
    public static ArchRule noOtherServiceThan(String service) {
        String[] others = SERVICES.stream().filter(s -> !s.equals(service)).map(s -> "dev.lto." + s + "..").toArray(String[]::new);
        return noClasses().should().dependOnClassesThat().resideInAnyPackage(others)
                .because("services share only contracts and streams")
                .allowEmptyShould(true);
    }

    private ServiceBoundaries() {
    }
}
