package io.github.pmtatracking.link;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs tracking links with HMAC-SHA256 truncated to 96 bits (16 base64url characters), so a link
 * stays short. The signature covers every field the link carries, each length-prefixed so that no
 * two different links share a signed text.
 */
final class LinkSigner {

    private static final int SIGNATURE_BYTES = 12;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs; // Mac is not thread-safe and costly to look up: one per thread

    LinkSigner(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("link secret must not be empty");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    String sign(TrackingLink link) {
        return B64.encodeToString(digest(link));
    }

    boolean verify(TrackingLink link, String signature) {
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(digest(link), given);
    }

    private byte[] digest(TrackingLink link) {
        Mac mac = macs.get();
        update(mac, link.action().code());
        update(mac, link.targetUrl());
        update(mac, link.messageId());
        update(mac, link.rcptTo());
        update(mac, link.linkName());
        byte[] full = mac.doFinal();
        byte[] truncated = new byte[SIGNATURE_BYTES];
        System.arraycopy(full, 0, truncated, 0, SIGNATURE_BYTES);
        return truncated;
    }

    private static void update(Mac mac, String field) {
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        mac.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        mac.update(bytes);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
