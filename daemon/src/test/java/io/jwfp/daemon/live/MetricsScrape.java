package io.jwfp.daemon.live;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code java MetricsScrape URL}: one GET with the JDK's HttpClient, printing the status code and Content-Type on the
 * first line and the body after it. The live metrics test runs it inside jwfpd's namespace ({@code ip netns exec}),
 * where jwfpd's 127.0.0.1 is; the test JVM itself stays in the root namespace.
 */
public final class MetricsScrape {
    private MetricsScrape() {}

    public static void main(String[] args) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        System.out.println(r.statusCode() + " " + r.headers().firstValue("Content-Type").orElse("-"));
        System.out.print(r.body());
    }
}
