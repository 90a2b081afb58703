package io.pullsecretinjector.secrets.copy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** SHA-256 of a Secret's type and data, stable across key order: tells a current copy from a stale one. */
public final class ContentHash {

    private ContentHash() {
    }

    public static String of(String type, Map<String, String> data) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, type == null ? "" : type);
            for (Map.Entry<String, String> e : new TreeMap<>(data == null ? Map.<String, String>of() : data).entrySet()) {
                update(digest, e.getKey());
                update(digest, e.getValue() == null ? "" : e.getValue());
            }
            return "sha256:" + HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static void update(MessageDigest digest, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        // length prefix, so ("ab","c") and ("a","bc") differ
        digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) ':');
        digest.update(bytes);
    }
}
