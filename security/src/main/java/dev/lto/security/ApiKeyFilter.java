package dev.lto.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads the key from {@code X-API-Key} or {@code Authorization: Bearer}, or, for a WebSocket handshake
 * or a job page the console opens in a tab ({@link #ticketAccepted}), a {@code ticket} query parameter;
 * a verified key becomes the request's {@link ApiKeyAuthentication}.
 * A bad key is simply not an authentication: the authorization rules then answer 401 where a key is needed,
 * so a probe that sends a stale key still gets its health answer. Nothing here logs the key.
 */
final class ApiKeyFilter extends OncePerRequestFilter {

    static final String HEADER = "X-API-Key";
    private static final String BEARER = "Bearer ";
    private static final Pattern VIEW_PAGE = Pattern.compile("/api/v1/jobs/[A-Za-z0-9_.-]{1,64}/(report|artifacts/[a-z_]{1,32}\\.png)");

    private final KeyDirectory directory;
    private final WebSocketTickets tickets;
    private final AuthProblems problems;

    ApiKeyFilter(KeyDirectory directory, WebSocketTickets tickets, AuthProblems problems) {
        this.directory = directory;
        this.tickets = tickets;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<Caller> caller;
        try {
            String key = presentedKey(request);
            if (key != null) {
                caller = directory.verify(key);
            } else if ("GET".equals(request.getMethod()) && ticketAccepted(request.getRequestURI())
                    && request.getParameter("ticket") != null) {
                caller = tickets.redeem(request.getParameter("ticket"));
            } else {
                caller = Optional.empty();
            }
        } catch (DataAccessException e) {
            problems.unavailable(request, response);
            return;
        }
        if (caller.isPresent()) {
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(new ApiKeyAuthentication(caller.get()));
            SecurityContextHolder.setContext(context);
        }
        chain.doFilter(request, response);
    }

    /**
     * Where a browser cannot send a header: a WebSocket handshake, and the job pages the console opens in a
     * new tab (a report, a picture). Only these GETs, all viewer reads, take a ticket; anything else needs
     * the key itself, so a ticket seen in a log or a history cannot be turned into more than one such read.
     */
    static boolean ticketAccepted(String path) {
        return path.startsWith("/ws/") || VIEW_PAGE.matcher(path).matches();
    }

    static String presentedKey(HttpServletRequest request) {
        String key = request.getHeader(HEADER);
        if (key == null) {
            String auth = request.getHeader(HttpHeaders.AUTHORIZATION);
            if (auth != null && auth.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                key = auth.substring(BEARER.length());
            }
        }
        if (key == null) {
            return null;
        }
        key = key.trim();
        // a key is 47 characters; anything far longer is not hashed at all
        return key.isEmpty() || key.length() > 256 ? null : key;
    }
}
