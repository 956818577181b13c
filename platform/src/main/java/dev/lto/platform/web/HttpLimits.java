package dev.lto.platform.web;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Request limits every LTO service applies ({@code lto.http.*}). {@code max-body-bytes} holds for
 * every path except those listed in {@code max-body-bytes-by-path} (exact request paths, e.g.
 * {@code "[/ingest/metrics]": 524288}), so one batch endpoint can take more without raising the
 * limit of every other endpoint.
 */
@ConfigurationProperties("lto.http")
public record HttpLimits(@DefaultValue("65536") long maxBodyBytes, Map<String, Long> maxBodyBytesByPath) {

    public HttpLimits {
        maxBodyBytesByPath = maxBodyBytesByPath == null ? Map.of() : Map.copyOf(maxBodyBytesByPath);
    }

    /** The body limit of a request path. */
    public long maxBodyBytesFor(String path) {
        return maxBodyBytesByPath.getOrDefault(path, maxBodyBytes);
    }
}
