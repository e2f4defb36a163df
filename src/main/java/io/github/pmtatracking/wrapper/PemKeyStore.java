package io.github.pmtatracking.wrapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * A certificate chain and its private key from PEM files (what certbot and the original's
 * {@code -certfile}/{@code -privkeyfile} use) as Camel's {@link SSLContextParameters}, through a key
 * store held in memory: the JDK reads PEM certificates but has no PEM key store. The key must be
 * PKCS#8 ({@code BEGIN PRIVATE KEY}), RSA, EC or EdDSA, as Go's and Netty's readers take it.
 */
final class PemKeyStore {

    private static final Pattern KEY = Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final char[] IN_MEMORY = "in-memory".toCharArray(); // never written anywhere
    private static final List<String> ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA");

    private PemKeyStore() {
    }

    static SSLContextParameters serverParameters(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        KeyStoreParameters store = new KeyStoreParameters();
        store.setKeyStore(load(certFile, keyFile));
        KeyManagersParameters keys = new KeyManagersParameters();
        keys.setKeyStore(store);
        keys.setKeyPassword(new String(IN_MEMORY));
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setKeyManagers(keys);
        return parameters;
    }

    static KeyStore load(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        Certificate[] chain;
        try (var in = Files.newInputStream(certFile)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
        }
        if (chain.length == 0) {
            throw new GeneralSecurityException("no certificate in " + certFile);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("smtp-proxy", privateKey(keyFile), IN_MEMORY, chain);
        return ks;
    }

    private static PrivateKey privateKey(Path keyFile) throws IOException, GeneralSecurityException {
        Matcher m = KEY.matcher(Files.readString(keyFile, StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new GeneralSecurityException(keyFile + " holds no PKCS#8 private key (BEGIN PRIVATE KEY); convert it with"
                    + " openssl pkcs8 -topk8 -nocrypt");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
        for (String algorithm : ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException wrongAlgorithm) {
                // the PKCS#8 header names the algorithm, but KeyFactory wants it said: try the next
            }
        }
        throw new GeneralSecurityException("the private key in " + keyFile + " is of no algorithm this JVM knows");
    }
}
