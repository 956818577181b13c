package dev.lto.platform.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rejects request bodies over the path's limit ({@link HttpLimits}) before they are buffered: by Content-Length up front (413
 * problem), and by counting bytes for chunked bodies (the reader then fails with
 * {@link BodyTooLargeException}, also answered 413).
 */
class BodySizeLimit extends OncePerRequestFilter {

    private final HttpLimits limits;
    private final JsonMapper json;

    BodySizeLimit(HttpLimits limits, JsonMapper json) {
        this.limits = limits;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long maxBytes = limits.maxBodyBytesFor(request.getRequestURI());
        if (request.getContentLengthLong() > maxBytes) {
            response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            var problem = Problems.of(HttpStatus.CONTENT_TOO_LARGE, Problems.BODY_TOO_LARGE, "Request body too large",
                    new BodyTooLargeException(maxBytes).getMessage());
            problem.setInstance(java.net.URI.create(request.getRequestURI()));
            json.writeValue(response.getOutputStream(), problem);
            return;
        }
        chain.doFilter(new CountingRequest(request, maxBytes), response);
    }

    private static final class CountingRequest extends HttpServletRequestWrapper {

        private final long maxBytes;

        CountingRequest(HttpServletRequest request, long maxBytes) {
            super(request);
            this.maxBytes = maxBytes;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            ServletInputStream in = super.getInputStream();
            return new ServletInputStream() {
                private long count;

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0 && ++count > maxBytes) {
                        throw new BodyTooLargeException(maxBytes);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = in.read(buf, off, len);
                    if (n > 0 && (count += n) > maxBytes) {
                        throw new BodyTooLargeException(maxBytes);
                    }
                    return n;
                }

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    in.setReadListener(listener);
                }
            };
        }
    }
}
