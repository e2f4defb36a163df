package io.github.pmtatracking.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Plain HTTP requests for tests: the JDK client, redirects not followed, and a raw-socket form. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private Http() {
    }

    public static HttpResponse<byte[]> get(int port, String path, String... headers) throws IOException, InterruptedException {
        return send(port, "GET", path, headers);
    }

    /**
     * A GET that may wait 15 s: the first request to a service just started (its classes load, its
     * code is cold), where the answer is what is checked, not how fast it came on a busy machine.
     */
    public static HttpResponse<byte[]> getFirst(int port, String path) throws IOException, InterruptedException {
        return send(port, "GET", path, Duration.ofSeconds(15));
    }

    /** {@link #getFirst} with request headers (name, value, ...). */
    public static HttpResponse<byte[]> getFirstWith(int port, String path, String... headers) throws IOException, InterruptedException {
        return send(port, "GET", path, Duration.ofSeconds(15), headers);
    }

    public static HttpResponse<byte[]> send(int port, String method, String path, String... headers)
            throws IOException, InterruptedException {
        return send(port, method, path, Duration.ofSeconds(2), headers);
    }

    private static HttpResponse<byte[]> send(int port, String method, String path, Duration timeout, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(timeout)
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** POSTs a JSON body (a Jolokia request, say). */
    public static HttpResponse<String> postJson(int port, String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A GET with a longer timeout, answered as text (health, metrics). */
    public static HttpResponse<String> getText(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Sends the request bytes as they are and returns the status line. */
    public static String raw(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.append((char) c);
            }
            return line.toString().trim();
        }
    }
}
