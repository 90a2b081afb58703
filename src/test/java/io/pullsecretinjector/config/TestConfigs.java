package io.pullsecretinjector.config;

import io.smallrye.config.WithDefault;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@link InjectorConfig} for plain unit tests: every setting at its documented {@code @WithDefault},
 * except the ones a test overrides by method name.
 */
public final class TestConfigs {

    private TestConfigs() {
    }

    public static InjectorConfig defaults() {
        return with(Map.of());
    }

    public static InjectorConfig with(Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(overrides);
        return (InjectorConfig) Proxy.newProxyInstance(InjectorConfig.class.getClassLoader(), new Class<?>[] {InjectorConfig.class},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("toString") ? "TestConfig" + values : method.invoke(values, args);
                    }
                    if (values.containsKey(method.getName())) {
                        Object v = values.get(method.getName());
                        return method.getReturnType() == Optional.class && !(v instanceof Optional) ? Optional.ofNullable(v) : v;
                    }
                    return defaultOf(method);
                });
    }

    private static Object defaultOf(Method method) {
        WithDefault d = method.getAnnotation(WithDefault.class);
        Class<?> type = method.getReturnType();
        if (d == null) {
            if (type == Optional.class) {
                return Optional.empty();
            }
            throw new IllegalStateException(method.getName() + " has no default; give it one in the test");
        }
        String text = d.value().replace("${POD_NAMESPACE:pullsecret-injector}", "pullsecret-injector");
        if (type == String.class) {
            return text;
        }
        if (type == Duration.class) {
            return parseDuration(text);
        }
        if (type == int.class || type == Integer.class) {
            return Integer.parseInt(text);
        }
        if (type == long.class || type == Long.class) {
            return Long.parseLong(text);
        }
        if (type == double.class || type == Double.class) {
            return Double.parseDouble(text);
        }
        if (type == boolean.class || type == Boolean.class) {
            return Boolean.parseBoolean(text);
        }
        if (type.isEnum()) {
            for (Object c : type.getEnumConstants()) {
                if (((Enum<?>) c).name().equalsIgnoreCase(text)) {
                    return c;
                }
            }
        }
        throw new IllegalStateException("cannot convert default of " + method.getName() + " to " + type);
    }

    static Duration parseDuration(String text) {
        String t = text.trim();
        if (t.startsWith("P") || t.startsWith("p")) {
            return Duration.parse(t);
        }
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> Duration.ofSeconds(Long.parseLong(t));
        };
    }
}
