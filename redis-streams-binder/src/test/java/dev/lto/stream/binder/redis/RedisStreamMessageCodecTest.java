package dev.lto.stream.binder.redis;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;

import static org.assertj.core.api.Assertions.assertThat;

class RedisStreamMessageCodecTest {

    private final RedisStreamMessageCodec codec = new RedisStreamMessageCodec();

    @Test
    void roundTripsPayloadAndTypedHeaders() {
        UUID uuid = UUID.randomUUID();
        byte[] payload = {0, 1, 2, (byte) 0xff, 10, 13};
        Message<byte[]> in = MessageBuilder.withPayload(payload)
                .setHeader(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.APPLICATION_JSON)
                .setHeader("s", "text with\nnewline")
                .setHeader("l", 42L).setHeader("i", 7).setHeader("d", 1.5d).setHeader("f", 2.5f)
                .setHeader("z", true).setHeader("n", new BigDecimal("1.10")).setHeader("u", uuid)
                .setHeader("raw", new byte[] {9, 8})
                .setHeader("obj", new Object())
                .setHeader("redis_streamMessageId", "1-1")
                .build();

        Map<byte[], byte[]> fields = codec.encode(in);
        Map<String, String> names = new LinkedHashMap<>();
        fields.forEach((k, v) -> names.put(new String(k, StandardCharsets.UTF_8), new String(v, StandardCharsets.UTF_8)));
        assertThat(names.keySet()).first().isEqualTo("payload");
        assertThat(names).containsEntry("contentType", "application/json").containsEntry("l", "42")
                .doesNotContainKeys("id", "timestamp", "obj", "redis_streamMessageId");

        Message<byte[]> out = codec.decode(fields, Map.of("extra", "x"));
        assertThat(out.getPayload()).isEqualTo(payload);
        assertThat(out.getHeaders()).containsEntry("contentType", "application/json")
                .containsEntry("s", "text with\nnewline").containsEntry("l", 42L).containsEntry("i", 7)
                .containsEntry("d", 1.5d).containsEntry("f", 2.5f).containsEntry("z", true)
                .containsEntry("n", new BigDecimal("1.10")).containsEntry("u", uuid).containsEntry("extra", "x");
        assertThat((byte[]) out.getHeaders().get("raw")).isEqualTo(new byte[] {9, 8});
    }

    @Test
    void foreignEntriesBecomeStringHeadersWithEmptyPayload() {
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        fields.put("a".getBytes(), "1".getBytes());
        Message<byte[]> out = codec.decode(fields, Map.of());
        assertThat(out.getPayload()).isEmpty();
        assertThat(out.getHeaders()).containsEntry("a", "1");
    }

    @Test
    void parsesXinfoGroups() {
        var g = RedisStreamInspector.parseGroup(java.util.List.of("name".getBytes(), "g".getBytes(), "consumers", 2L, "pending", 3L,
                "last-delivered-id", "5-0".getBytes(), "entries-read", 5L, "lag", 0L));
        assertThat(g).isEqualTo(new RedisStreamInspector.GroupInfo("g", 2, 3, "5-0", 5L, 0L));
        var nilLag = RedisStreamInspector.parseGroup(java.util.Arrays.asList("name", "g", "lag", null));
        assertThat(nilLag.lag()).isNull();
    }
}
