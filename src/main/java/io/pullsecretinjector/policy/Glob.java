package io.pullsecretinjector.policy;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A shell-style pattern: {@code *} matches any run of characters (also none), {@code ?} exactly one
 * character, every other character only itself (a {@code .} is a dot, not "any character").
 */
public record Glob(String text, Pattern pattern) {

    /** Compiles a glob; the text is not validated here, see {@link PolicyParser} for that. */
    public static Glob of(String text) {
        StringBuilder regex = new StringBuilder(text.length() + 8);
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return new Glob(text, Pattern.compile(regex.toString(), Pattern.DOTALL));
    }

    /** True when the whole of {@code value} matches. */
    public boolean matches(String value) {
        return pattern.matcher(value).matches();
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
        return text.indexOf('*') < 0 && text.indexOf('?') < 0;
    }

    @Override
    public String toString() {
        return text;
    }
}
