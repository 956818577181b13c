package dev.lto.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/api.md shows the role table of {@link EndpointRoles#RULES} between two markers; this keeps them
 * equal (one source of truth: the code). On a mismatch the message holds the table to paste.
 */
class EndpointRolesDocTest {

    static final String BEGIN = "<!-- endpoint-roles:begin (generated from EndpointRoles.RULES; EndpointRolesDocTest checks it) -->\n";
    static final String END = "<!-- endpoint-roles:end -->";

    @Test
    void docsApiMdShowsTheTableTheServicesEnforce() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "api.md"));
        int from = doc.indexOf(BEGIN);
        int to = doc.indexOf(END);
        assertThat(from).as("docs/api.md has the marker " + BEGIN.strip()).isNotNegative();
        assertThat(to).isGreaterThan(from);
        assertThat(doc.substring(from + BEGIN.length(), to))
                .as("docs/api.md role table; paste this between the markers:\n" + EndpointRoles.markdownTable())
                .isEqualTo(EndpointRoles.markdownTable());
    }

    @Test
    void everyRuleHasAServiceAPatternAndNoDuplicate() {
        var seen = new java.util.HashSet<String>();
        for (EndpointRoles.Rule r : EndpointRoles.RULES) {
            assertThat(r.pattern()).startsWith("/");
            assertThat(r.service()).isIn("all", "ingestion", "intelligence", "action");
            assertThat(seen.add(r.method() + " " + r.pattern())).as("duplicate rule " + r).isTrue();
        }
    }
}
