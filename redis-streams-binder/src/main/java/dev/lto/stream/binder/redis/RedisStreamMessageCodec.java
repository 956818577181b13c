package dev.lto.stream.binder.redis;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeType;

/**
 * Maps a {@link Message} to stream entry fields and back.
 *
 * <p>Entry layout: field {@value RedisStreamHeaders#PAYLOAD_FIELD} holds the payload bytes; every
 * header whose value is a String, a number, a Boolean, a UUID, a MimeType or a byte[] becomes a
 * field of the same name, its value in plain text (so {@code redis-cli XRANGE} is readable). The
 * Java type of each non-String header is recorded in field {@value RedisStreamHeaders#TYPES_FIELD}
 * ({@code <code>:<name>} lines) so that it comes back with the same type; MimeType values come back
 * as Strings. Not carried: {@code id}, {@code timestamp}, channel headers, the binder's own
 * inbound {@code redis_*} headers, and values of other types (logged at debug).
 *
 * <p>Entries written by other tools (no payload field) decode to an empty payload with every
 * field as a String header.
 */
public final class RedisStreamMessageCodec {

    private static final Log log = LogFactory.getLog(RedisStreamMessageCodec.class);

    private static final Set<String> SKIPPED = Set.of(MessageHeaders.ID, MessageHeaders.TIMESTAMP, "errorChannel",
            "replyChannel", "deliveryAttempt", "acknowledgmentCallback", "sourceData",
            RedisStreamHeaders.PAYLOAD_FIELD, RedisStreamHeaders.TYPES_FIELD);

    private static final byte[] PAYLOAD_KEY = bytes(RedisStreamHeaders.PAYLOAD_FIELD);
    private static final byte[] TYPES_KEY = bytes(RedisStreamHeaders.TYPES_FIELD);

    /** Encodes payload + headers as ordered entry fields (payload first). */
    public Map<byte[], byte[]> encode(Message<?> message) {
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        fields.put(PAYLOAD_KEY, payloadBytes(message.getPayload()));
        StringBuilder types = null;
        for (Map.Entry<String, Object> header : message.getHeaders().entrySet()) {
            String name = header.getKey();
            Object value = header.getValue();
            if (value == null || SKIPPED.contains(name) || name.startsWith("redis_") || name.indexOf('\n') >= 0) {
                continue;
            }
            String code;
            byte[] encoded;
            if (value instanceof String s) {
                code = null;
                encoded = bytes(s);
            }
            else if (value instanceof MimeType || value instanceof CharSequence) {
                code = null;
                encoded = bytes(value.toString());
            }
            else {
                code = typeCode(value);
                if (code == null) {
                    if (log.isDebugEnabled()) {
                        log.debug("Header '" + name + "' of type " + value.getClass().getName() + " is not carried over Redis");
                    }
                    continue;
                }
                encoded = value instanceof byte[] b ? b : bytes(value.toString());
            }
            if (code != null) {
                if (types == null) {
                    types = new StringBuilder();
                }
                else {
                    types.append('\n');
                }
                types.append(code).append(':').append(name);
            }
            fields.put(bytes(name), encoded);
        }
        if (types != null) {
            fields.put(TYPES_KEY, bytes(types.toString()));
        }
        return fields;
    }

    /**
     * Decodes entry fields; {@code extraHeaders} (stream, id, group...) are added last.
     *
     * @throws IllegalArgumentException when a typed header cannot be parsed back
     */
    public Message<byte[]> decode(Map<byte[], byte[]> fields, Map<String, Object> extraHeaders) {
        byte[] payload = null;
        Map<String, String> typeByName = Map.of();
        Map<String, byte[]> raw = new LinkedHashMap<>();
        for (Map.Entry<byte[], byte[]> field : fields.entrySet()) {
            String name = string(field.getKey());
            if (name.equals(RedisStreamHeaders.PAYLOAD_FIELD)) {
                payload = field.getValue();
            }
            else if (name.equals(RedisStreamHeaders.TYPES_FIELD)) {
                typeByName = parseTypes(string(field.getValue()));
            }
            else {
                raw.put(name, field.getValue());
            }
        }
        MessageBuilder<byte[]> builder = MessageBuilder.withPayload(payload != null ? payload : new byte[0]);
        for (Map.Entry<String, byte[]> header : raw.entrySet()) {
            String code = typeByName.get(header.getKey());
            builder.setHeader(header.getKey(), code == null ? string(header.getValue()) : parse(code, header.getValue(), header.getKey()));
        }
        extraHeaders.forEach(builder::setHeader);
        return builder.build();
    }

    private static Map<String, String> parseTypes(String types) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (String line : types.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                byName.put(line.substring(colon + 1), line.substring(0, colon));
            }
        }
        return byName;
    }

    private static String typeCode(Object value) {
        return switch (value) {
            case Long ignored -> "L";
            case Integer ignored -> "I";
            case Short ignored -> "S";
            case Byte ignored -> "B";
            case Double ignored -> "D";
            case Float ignored -> "F";
            case Boolean ignored -> "Z";
            case BigDecimal ignored -> "N";
            case BigInteger ignored -> "G";
            case UUID ignored -> "U";
            case byte[] ignored -> "b";
            default -> null;
        };
    }

    private static Object parse(String code, byte[] value, String name) {
        String s = code.equals("b") ? null : string(value);
        try {
            return switch (code) {
                case "L" -> Long.valueOf(s);
                case "I" -> Integer.valueOf(s);
                case "S" -> Short.valueOf(s);
                case "B" -> Byte.valueOf(s);
                case "D" -> Double.valueOf(s);
                case "F" -> Float.valueOf(s);
                case "Z" -> Boolean.valueOf(s);
                case "N" -> new BigDecimal(s);
                case "G" -> new BigInteger(s);
                case "U" -> UUID.fromString(s);
                case "b" -> value;
                default -> s;
            };
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("Header '" + name + "' is not a valid " + code + " value: " + s, ex);
        }
    }

    private static byte[] payloadBytes(Object payload) {
        return switch (payload) {
            case byte[] b -> b;
            case String s -> bytes(s);
            default -> throw new IllegalArgumentException("The redis binder sends byte[] payloads (let Spring Cloud Stream "
                    + "convert the payload, i.e. do not set useNativeEncoding); got " + payload.getClass().getName());
        };
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
