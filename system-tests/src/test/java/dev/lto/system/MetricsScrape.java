package dev.lto.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of a service's {@code /actuator/prometheus}, parsed from the text exposition format. */
record MetricsScrape(String body, long nanos, Map<String, String> types, List<Sample> samples) {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** Sample suffixes that belong to a family of the named type. */
    private static final Map<String, List<String>> SUFFIXES = Map.of(
            "counter", List.of("", "_total", "_created"),
            "gauge", List.of(""),
            "histogram", List.of("_bucket", "_sum", "_count", "_created"),
            "summary", List.of("", "_sum", "_count", "_created"));

    record Sample(String name, Map<String, String> labels, double value) {
    }

    static MetricsScrape of(ServiceProcess service) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/actuator/prometheus"))
                .header("Accept", "text/plain;version=0.0.4").build(), HttpResponse.BodyHandlers.ofString());
        long nanos = System.nanoTime() - t0;
        if (r.statusCode() != 200) {
            throw new AssertionError("scrape of " + service.baseUrl() + " → " + r.statusCode());
        }
        return parse(r.body(), nanos);
    }

    static MetricsScrape parse(String body, long nanos) {
        Map<String, String> types = new LinkedHashMap<>();
        List<Sample> samples = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] p = line.split(" ");
                types.put(p[2], p[3]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                int brace = line.indexOf('{');
                int space = line.lastIndexOf(' ');
                String name = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
                Map<String, String> labels = new HashMap<>();
                if (brace >= 0 && brace < space) {
                    Matcher m = LABEL.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
                    while (m.find()) {
                        labels.put(m.group(1), m.group(2));
                    }
                }
                samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
            }
        }
        return new MetricsScrape(body, nanos, types, samples);
    }

    /**
     * The type of the family {@code name} is exported as (the name as the seed writes it, e.g.
     * {@code lto_jobs_submitted_total}; a counter's family may be declared without {@code _total}),
     * or null when absent.
     */
    String typeOf(String name) {
        String t = types.get(name);
        return t != null ? t : name.endsWith("_total") ? types.get(name.substring(0, name.length() - 6)) : null;
    }

    /** The samples of the family {@code name} of type {@code type}. */
    List<Sample> family(String name, String type) {
        String base = "counter".equals(type) && name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
        List<String> names = SUFFIXES.getOrDefault(type, List.of("")).stream().map(s -> base + s).toList();
        return samples.stream().filter(s -> names.contains(s.name())).toList();
    }

    /** Label names the family's samples carry, less a histogram's {@code le}. */
    Set<String> labelNames(String name, String type) {
        Set<String> out = new TreeSet<>();
        family(name, type).forEach(s -> out.addAll(s.labels().keySet()));
        out.remove("le");
        return out;
    }

    /** Series in this scrape: one per sample line. */
    int series() {
        return samples.size();
    }
}
