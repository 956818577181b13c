package dev.lto.contracts;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "dev.lto.contracts", importOptions = ImportOption.DoNotIncludeTests.class)
class ContractsArchitectureTest {

    @ArchTest
    static final ArchRule contractsDependOnNothingFromSpring = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
            .because("contracts are plain records any producer or consumer can use (DESIGN §3)");

    @ArchTest
    static final ArchRule contractsUseOnlyTheJdkValidationAndJacksonAnnotations = classes()
            .should().onlyDependOnClassesThat().resideInAnyPackage(
                    "dev.lto.contracts..", "java..", "jakarta.validation..", "com.fasterxml.jackson.annotation..");
}
