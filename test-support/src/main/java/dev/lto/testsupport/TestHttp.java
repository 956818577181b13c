package dev.lto.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.IntSupplier;

/**
 * Plain HTTP against a service a test started on localhost: the body comes back as a string with
 * its status and headers, so tests assert on what a client really receives (problem types, Location,
 * Retry-After). The port is read at each call: Spring injects {@code @LocalServerPort} after field
 * initialisation.
 */
public final class TestHttp {

    private final HttpClient client = HttpClient.newHttpClient();
    private final IntSupplier port;
    private final String key;
    private final java.time.Duration timeout;

    private TestHttp(IntSupplier port, String key, java.time.Duration timeout) {
        this.port = port;
        this.key = key;
        this.timeout = timeout;
    }

    /** Requests carry the admin test key ({@link TestKeys#ADMIN}): tests about something else than roles pass auth. */
    public static TestHttp localhost(IntSupplier port) {
        return new TestHttp(port, TestKeys.ADMIN, null);
    }

    /** The same, but a request unanswered after {@code timeout} fails (HttpTimeoutException) instead of hanging the test run. */
    public TestHttp withTimeout(java.time.Duration timeout) {
        return new TestHttp(port, key, timeout);
    }

    /** Requests carry this key as {@code X-API-Key}, or none when it is null. */
    public TestHttp withKey(String key) {
        return new TestHttp(port, key, timeout);
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    /** POST with {@code Content-Type: application/json}. */
    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** POST of raw bytes with {@code Content-Type: application/json}: bodies that are not even text. */
    public HttpResponse<String> post(String path, byte[] json) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json)));
    }

    public HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return send(request(path).DELETE());
    }

    /** A request to {@code path} on this service, for what the shortcuts do not cover (other headers, methods). */
    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port.getAsInt() + path));
        if (timeout != null) {
            b.timeout(timeout);
        }
        return key == null ? b : b.header("X-API-Key", key);
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
