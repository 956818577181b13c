package dev.lto.action.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.action.LiveStreamsContext;
import dev.lto.security.EndpointRoles;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/** Every endpoint this service maps, WebSockets included, has a line in the role table (EndpointRoles, docs/api.md). */
class EndpointRoleTableTest extends LiveStreamsContext {

    @Autowired
    ApplicationContext context;

    @Test
    void everyMappedEndpointHasARole() {
        assertThat(EndpointRoles.unruled(context)).as("endpoints without a line in EndpointRoles.RULES").isEmpty();
    }
}
