package io.pullsecretinjector.policy;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A shell-style pattern: {@code *} matches any run of characters (also none), {@code ?} exactly one
 * character, every other character only itself (a {@code .} is a dot, not "any character").
 *
 * <p>Namespace globs are checked on every review, and most are a plain name ({@code kube-system})
 * or {@code *}: those two are answered with a string comparison, only the others with the
 * compiled regular expression. Two globs are equal when their texts are.
 */
public final class Glob {

    private final String text;
    /** Null for a literal or for {@code *}, which need no regular expression. */
    private final Pattern pattern;
    private final boolean literal;

    private Glob(String text, Pattern pattern, boolean literal) {
        this.text = text;
        this.pattern = pattern;
        this.literal = literal;
    }

    /** Compiles a glob; the text is not validated here, see {@link PolicyParser} for that. */
    public static Glob of(String text) {
        if (text.indexOf('*') < 0 && text.indexOf('?') < 0) {
            return new Glob(text, null, true);
        }
        if (text.equals("*")) {
            return new Glob(text, null, false);
        }
        StringBuilder regex = new StringBuilder(text.length() + 8);
        StringBuilder literalRun = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '?') {
                if (literalRun.length() > 0) {
                    regex.append(Pattern.quote(literalRun.toString()));
                    literalRun.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literalRun.append(c);
            }
        }
        if (literalRun.length() > 0) {
            regex.append(Pattern.quote(literalRun.toString()));
        }
        return new Glob(text, Pattern.compile(regex.toString(), Pattern.DOTALL), false);
    }

    /** The glob as written. */
    public String text() {
        return text;
    }

    /** True when the whole of {@code value} matches. */
    public boolean matches(String value) {
        if (literal) {
            return text.equals(value);
        }
        return pattern == null || pattern.matcher(value).matches();
    }

    /** The first of {@code globs} that matches {@code value}, or null when none does. */
    public static Glob firstMatch(List<Glob> globs, String value) {
        for (Glob g : globs) {
            if (g.matches(value)) {
                return g;
            }
        }
        return null;
    }

    /** True when one of {@code globs} matches {@code value}. */
    public static boolean anyMatch(List<Glob> globs, String value) {
        return firstMatch(globs, value) != null;
    }

    /** True when the glob has no wildcard, so it can only match itself. */
    public boolean isLiteral() {
        return literal;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Glob other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
