package com.insidellm.spring;

import com.insidellm.DeliveryListener;
import com.insidellm.EventExporter;
import com.insidellm.EventProcessor;
import com.insidellm.InsideLlmClient;
import com.insidellm.PriceTable;
import com.insidellm.Redactor;
import com.insidellm.Redactors;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.Advisor;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.StringUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Auto-configures the {@link InsideLlmClient} from {@code insidellm.*} properties and records methods annotated with
 * {@code @Track*}.
 *
 * <p>The client is a real one when an API key is set ({@code insidellm.api-key} or {@code INSIDELLM_API_KEY}), local
 * mode is on ({@code insidellm.mode=local}) or an {@link EventExporter} bean is declared. Otherwise, and with
 * {@code insidellm.enabled=false}, it is the {@linkplain InsideLlmClient#noop() no-op client}, so code that injects
 * the client or uses the annotations keeps working and records nothing; a log line at INFO says which case applies.
 * {@link EventProcessor}, {@link EventExporter} and {@link DeliveryListener} beans (such as the metrics) are added to
 * the client, then {@link InsideLlmClientCustomizer} beans customise its builder. Which case applies is core's rule
 * ({@link InsideLlmClient.Builder#destination()}), applied to the builder once it is complete.
 *
 * <p>When the application context closes, the client is closed, which delivers what is queued (within
 * {@code insidellm.close-timeout}). Spring destroys beans in the reverse order of their creation, so every bean the
 * client was built with (exporters, processors, an {@code OkHttpClient} from a customiser) still exists while it
 * delivers.
 */
@AutoConfiguration
@EnableConfigurationProperties(InsideLlmProperties.class)
public class InsideLlmAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(InsideLlmAutoConfiguration.class);

    /**
     * The client built from the properties; the no-op client when disabled or not configured. Closed (and so
     * flushed) when the context closes.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public InsideLlmClient insideLlmClient(InsideLlmProperties properties,
            ObjectProvider<EventProcessor> processors, ObjectProvider<EventExporter> exporters,
            ObjectProvider<DeliveryListener> listeners, ObjectProvider<InsideLlmClientCustomizer> customizers) {
        if (!properties.isEnabled()) {
            log.info("InsideLLM is disabled (insidellm.enabled=false): nothing is recorded");
            return InsideLlmClient.noop();
        }
        InsideLlmClient.Builder builder = InsideLlmClient.builder();
        applyProperties(properties, builder);
        processors.orderedStream().forEach(builder::addProcessor);
        exporters.orderedStream().forEach(builder::addExporter);
        listeners.orderedStream().forEach(builder::deliveryListener);
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        // Core holds the rule (builder, else insidellm.* system properties, else INSIDELLM_* environment variables).
        InsideLlmClient.Destination destination = builder.destination();
        switch (destination) {
            case UNCONFIGURED -> {
                log.info("InsideLLM is not configured: nothing is recorded. Set insidellm.api-key (or "
                        + "INSIDELLM_API_KEY), or insidellm.mode=local to write events to local files");
                return InsideLlmClient.noop();
            }
            case DISABLED -> {
                log.info("InsideLLM is disabled (INSIDELLM_ENABLED=false): nothing is recorded");
                return InsideLlmClient.noop();
            }
            case LOCAL_FILES -> log.info("InsideLLM is recording to local files (insidellm.mode=local)");
            case API -> log.info("InsideLLM is recording to the InsideLLM API");
            case EXPORTERS -> log.info("InsideLLM is recording to the configured exporters");
            default -> throw new IllegalStateException("unknown destination " + destination);
        }
        return builder.build();
    }

    static void applyProperties(InsideLlmProperties p, InsideLlmClient.Builder b) {
        if (StringUtils.hasText(p.getApiKey())) {
            b.apiKey(p.getApiKey());
        }
        set(p.getBaseUrl(), b::baseUrl);
        set(p.getBatchSize(), b::batchSize);
        set(p.getFlushInterval(), b::flushInterval);
        set(p.getMaxQueueSize(), b::maxQueueSize);
        set(p.getMaxQueueBytes(), size -> b.maxQueueBytes(size.toBytes()));
        set(p.getMaxBatchBytes(), size -> b.maxBatchBytes(size.toBytes()));
        set(p.getMaxEventBytes(), size -> b.maxEventBytes(Math.toIntExact(size.toBytes())));
        set(p.getMaxRetries(), b::maxRetries);
        set(p.getBackoffFactor(), b::backoffFactor);
        set(p.getInitialBackoff(), b::initialBackoff);
        set(p.getMaxBackoff(), b::maxBackoff);
        set(p.getRequestTimeout(), b::requestTimeout);
        set(p.getCloseTimeout(), b::closeTimeout);
        set(p.getCircuitOpenDuration(), b::circuitOpenDuration);
        set(p.getGzip(), b::gzip);
        set(p.getOutboxDirectory(), b::outbox);
        set(p.getOutboxMaxSize(), size -> b.outboxMaxBytes(size.toBytes()));
        set(p.getOutboxMaxAge(), b::outboxMaxAge);
        set(p.getDropPolicy(), b::dropPolicy);
        set(p.getStrict(), b::strict);
        set(p.getCaptureContent(), b::captureContent);
        set(p.getSampleRate(), b::sampleRate);
        if (!p.isEstimateCost()) {
            b.prices(PriceTable.empty());
        }
        for (InsideLlmProperties.BuiltIn builtIn : p.getRedaction().getBuiltIns()) {
            b.redact(switch (builtIn) {
                case ALL -> Redactors.builtIns();
                case EMAILS -> new Redactor[] {Redactors.emails()};
                case PHONE_NUMBERS -> new Redactor[] {Redactors.phoneNumbers()};
                case CARD_NUMBERS -> new Redactor[] {Redactors.cardNumbers()};
                case BEARER_TOKENS -> new Redactor[] {Redactors.bearerTokens()};
                case API_KEYS -> new Redactor[] {Redactors.apiKeys()};
            });
        }
        for (InsideLlmRedactionProperties.PatternRule rule : p.getRedaction().getPatterns()) {
            if (!StringUtils.hasText(rule.getRegex())) {
                throw new IllegalArgumentException("insidellm.redaction.patterns[].regex must not be empty");
            }
            b.redact(Redactors.pattern(rule.getRegex(), rule.getReplacement()));
        }
        if (p.getMode() == InsideLlmProperties.Mode.LOCAL) {
            if (p.getLocalDirectory() != null) {
                b.localMode(p.getLocalDirectory());
            } else {
                b.localMode();
            }
        }
        // The application context closes the client; a JVM hook of its own could close it while beans still run.
        b.shutdownHook(false);
    }

    private static <T> void set(@Nullable T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    /** The default user resolver when Spring Security is present: the authenticated principal's name. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.security.core.context.SecurityContextHolder")
    static class SecurityUserResolverConfiguration {

        @Bean
        @ConditionalOnMissingBean
        InsideLlmUserResolver insideLlmUserResolver() {
            return new SecurityUserResolver();
        }
    }

    /**
     * Records {@code @Track*} methods. A Spring AOP advisor (an AOP Alliance interceptor with an annotation pointcut,
     * as {@code @Transactional} and {@code @Cacheable} use) rather than an {@code @Aspect}: it needs no AspectJ
     * weaver on the classpath and works with whichever auto-proxy creator the application has.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "insidellm.tracking", name = "enabled", matchIfMissing = true)
    @Import(AutoProxyRegistrar.class)
    static class TrackingConfiguration {

        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static Advisor insideLlmTrackingAdvisor(ObjectProvider<InsideLlmClient> client,
                ObjectProvider<InsideLlmUserResolver> userResolver, ObjectProvider<InsideLlmProperties> properties,
                BeanFactory beanFactory) {
            // Resolved lazily, on the first annotated call: advisors are created before ordinary beans.
            TrackingInterceptor interceptor = new TrackingInterceptor(
                    () -> client.getIfUnique(InsideLlmClient::noop), userResolver::getIfUnique,
                    SingletonSupplier.of(properties::getObject), new TrackingExpressions(beanFactory));
            ComposablePointcut pointcut = new ComposablePointcut(
                    new AnnotationMatchingPointcut(null, TrackRun.class, true))
                    .union(new AnnotationMatchingPointcut(null, TrackLlmCall.class, true))
                    .union(new AnnotationMatchingPointcut(null, TrackToolUse.class, true))
                    .union(new AnnotationMatchingPointcut(null, TrackAgentStep.class, true))
                    .union(new AnnotationMatchingPointcut(null, TrackFunction.class, true));
            DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(pointcut, interceptor);
            // Innermost, next to the method: a cache hit records nothing, and each retry attempt is recorded.
            advisor.setOrder(Ordered.LOWEST_PRECEDENCE);
            return advisor;
        }
    }

    /** Makes sure an auto-proxy creator exists, also when {@code spring.aop.auto=false}. */
    static class AutoProxyRegistrar implements ImportBeanDefinitionRegistrar {
        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
        }
    }
}
