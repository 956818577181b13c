package dev.lto.intelligence;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.lto.testsupport.ServiceBoundaries;

@AnalyzeClasses(packages = "dev.lto.intelligence", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule onlyTheSimulatorSpi = ServiceBoundaries.ONLY_SIMULATOR_SPI;

    @ArchTest
    static final ArchRule noOtherService = ServiceBoundaries.noOtherServiceThan("intelligence");

    @ArchTest
    static final ArchRule featuresFreeOfCycles = ServiceBoundaries.FEATURES_FREE_OF_CYCLES;
}
