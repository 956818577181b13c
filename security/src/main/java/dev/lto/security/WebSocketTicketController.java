package dev.lto.security;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/ws-tickets}: a single-use ticket for {@code /ws/*?ticket=} (browsers cannot send headers there). */
@RestController
class WebSocketTicketController {

    record Ticket(String ticket, @JsonProperty("expires_in_seconds") long expiresInSeconds) {
    }

    private final WebSocketTickets tickets;

    WebSocketTicketController(WebSocketTickets tickets) {
        this.tickets = tickets;
    }

    @PostMapping("/api/v1/ws-tickets")
    @ResponseStatus(HttpStatus.CREATED)
    Ticket issue() {
        // with auth off there is no caller and the handshake needs no ticket: an empty one keeps the console's code path
        return Caller.current().map(c -> new Ticket(tickets.issue(c), tickets.ttl().toSeconds()))
                .orElse(new Ticket("", tickets.ttl().toSeconds()));
    }
}
