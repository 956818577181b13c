package dev.lto.stream.binder.redis;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.cloud.stream.binder.AbstractMessageChannelBinder;
import org.springframework.cloud.stream.binder.BinderSpecificPropertiesProvider;
import org.springframework.cloud.stream.binder.ExtendedConsumerProperties;
import org.springframework.cloud.stream.binder.ExtendedProducerProperties;
import org.springframework.cloud.stream.binder.ExtendedPropertiesBinder;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.cloud.stream.provisioning.ConsumerDestination;
import org.springframework.cloud.stream.provisioning.ProducerDestination;
import org.springframework.integration.core.MessageProducer;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandler;
import org.springframework.util.StringUtils;

import dev.lto.stream.binder.redis.properties.RedisStreamBinderConfigurationProperties;
import dev.lto.stream.binder.redis.properties.RedisStreamConsumerProperties;
import dev.lto.stream.binder.redis.properties.RedisStreamExtendedBindingProperties;
import dev.lto.stream.binder.redis.properties.RedisStreamProducerProperties;
import dev.lto.stream.binder.redis.provisioning.RedisStreamDestination;
import dev.lto.stream.binder.redis.provisioning.RedisStreamProvisioner;

/**
 * Spring Cloud Stream binder {@code redis}: destinations are Redis stream keys, consumer
 * binding groups are Redis consumer groups.
 *
 * <ul>
 *   <li>Producer: {@link RedisStreamMessageHandler} - synchronous XADD with approximate MAXLEN.</li>
 *   <li>Consumer: {@link RedisStreamInboundChannelAdapter} - XREADGROUP, XACK after success,
 *       XAUTOCLAIM of idle entries, dead-letter stream after {@code max-deliveries}.</li>
 * </ul>
 * Partitioning is not supported. Pollable consumers are not supported.
 */
public class RedisStreamMessageChannelBinder extends
        AbstractMessageChannelBinder<ExtendedConsumerProperties<RedisStreamConsumerProperties>, ExtendedProducerProperties<RedisStreamProducerProperties>, RedisStreamProvisioner>
        implements ExtendedPropertiesBinder<MessageChannel, RedisStreamConsumerProperties, RedisStreamProducerProperties> {

    private final RedisStreamBinderConfigurationProperties binderProperties;
    private final RedisStreamConnections connections;
    private final RedisStreamBindingRegistry registry;
    private final RedisStreamMessageCodec codec = new RedisStreamMessageCodec();
    private final Map<String, RedisStreamBindingRegistry.ConsumerBinding> consumerBindings = new ConcurrentHashMap<>();
    private RedisStreamExtendedBindingProperties extendedBindingProperties = new RedisStreamExtendedBindingProperties();

    public RedisStreamMessageChannelBinder(RedisStreamBinderConfigurationProperties binderProperties, RedisStreamProvisioner provisioner,
            RedisStreamConnections connections, RedisStreamBindingRegistry registry) {
        super(new String[0], provisioner);
        this.binderProperties = binderProperties;
        this.connections = connections;
        this.registry = registry;
    }

    public void setExtendedBindingProperties(RedisStreamExtendedBindingProperties extendedBindingProperties) {
        this.extendedBindingProperties = extendedBindingProperties;
    }

    @Override
    protected MessageHandler createProducerMessageHandler(ProducerDestination destination,
            ExtendedProducerProperties<RedisStreamProducerProperties> producerProperties, MessageChannel errorChannel) {
        RedisStreamProducerProperties props = producerProperties.getExtension();
        RedisStreamMessageHandler handler = new RedisStreamMessageHandler(connections, destination.getName(), props.getMaxLength(),
                props.getSendTimeout(), codec);
        handler.setBeanFactory(getBeanFactory());
        registry.addProducer(destination.getName());
        return handler;
    }

    @Override
    protected MessageProducer createConsumerEndpoint(ConsumerDestination destination, String group,
            ExtendedConsumerProperties<RedisStreamConsumerProperties> properties) {
        RedisStreamDestination dest = (RedisStreamDestination) destination;
        RedisStreamConsumerProperties props = properties.getExtension();
        List<String> names = consumerNames(properties);
        RedisStreamInboundChannelAdapter adapter = new RedisStreamInboundChannelAdapter(connections, dest.stream(), dest.group(), names,
                props, binderProperties.operationTimeout(), binderProperties.shutdownTimeout(), codec);
        adapter.setBeanFactory(getBeanFactory());
        adapter.setBeanName("redis-stream-inbound." + dest.stream() + "." + dest.group());
        ErrorInfrastructure errorInfrastructure = registerErrorInfrastructure(destination, dest.group(), properties);
        adapter.setErrorNotificationChannel(errorInfrastructure.getErrorChannel());
        adapter.setBatchMode(properties.isBatchMode());
        if (properties.getMaxAttempts() > 1) {
            adapter.setRetryTemplate(buildRetryTemplate(properties));
        }
        RedisStreamBindingRegistry.ConsumerBinding binding = new RedisStreamBindingRegistry.ConsumerBinding(dest.stream(), dest.group(),
                props.deadLetterStreamFor(dest.stream()), names);
        consumerBindings.put(key(dest), binding);
        registry.addConsumer(binding);
        return adapter;
    }

    @Override
    protected void afterUnbindConsumer(ConsumerDestination destination, String group,
            ExtendedConsumerProperties<RedisStreamConsumerProperties> consumerProperties) {
        RedisStreamDestination dest = (RedisStreamDestination) destination;
        RedisStreamBindingRegistry.ConsumerBinding binding = consumerBindings.remove(key(dest));
        if (binding != null) {
            registry.removeConsumer(binding);
        }
        provisioningProvider.destroyAnonymousGroup(dest);
    }

    /**
     * {@code consumer-name}, or {@code <hostname>-<instance-index>}; with concurrency > 1 one name
     * per reader: {@code <base>-0 .. <base>-(n-1)}.
     */
    List<String> consumerNames(ExtendedConsumerProperties<RedisStreamConsumerProperties> properties) {
        String base = binderProperties.consumerName();
        if (!StringUtils.hasText(base)) {
            int index = properties.getInstanceIndex();
            if (index < 0) {
                BindingServiceProperties service = getBindingServiceProperties();
                index = service != null ? service.getInstanceIndex() : 0;
            }
            base = hostname() + "-" + Math.max(index, 0);
        }
        int concurrency = Math.max(1, properties.getConcurrency());
        if (concurrency == 1) {
            return List.of(base);
        }
        List<String> names = new ArrayList<>(concurrency);
        for (int i = 0; i < concurrency; i++) {
            names.add(base + "-" + i);
        }
        return names;
    }

    static String hostname() {
        String env = System.getenv("HOSTNAME");
        if (StringUtils.hasText(env)) {
            return env.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (Exception ex) {
            return "localhost";
        }
    }

    private static String key(RedisStreamDestination d) {
        return d.stream() + "\u0000" + d.group();
    }

    @Override
    public RedisStreamConsumerProperties getExtendedConsumerProperties(String channelName) {
        return extendedBindingProperties.getExtendedConsumerProperties(channelName);
    }

    @Override
    public RedisStreamProducerProperties getExtendedProducerProperties(String channelName) {
        return extendedBindingProperties.getExtendedProducerProperties(channelName);
    }

    @Override
    public String getDefaultsPrefix() {
        return extendedBindingProperties.getDefaultsPrefix();
    }

    @Override
    public Class<? extends BinderSpecificPropertiesProvider> getExtendedPropertiesEntryClass() {
        return extendedBindingProperties.getExtendedPropertiesEntryClass();
    }
}
