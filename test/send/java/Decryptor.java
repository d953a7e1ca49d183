import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * The send service's side, written with the JDK only: unwraps messageKey with the RSA private
 * key and decrypts each AES/GCM/NoPadding field. Arguments: transformation, PKCS#8 PEM key
 * file, messageKey, messageVector, then base64 ciphertexts; prints each plaintext as base64 of
 * its UTF-8 bytes (no console-encoding surprises).
 *
 * Java's "RSA/ECB/OAEPWithSHA-256AndMGF1Padding" defaults to MGF1 with SHA-1; the product's
 * default is SHA-256 for both, so the service must pass an explicit OAEPParameterSpec. The
 * suffix "#jdk-default" skips that spec, to show the mismatch fails.
 */
public class Decryptor {
    public static void main(String[] args) throws Exception {
        String transformation = args[0];
        boolean jdkDefault = transformation.endsWith("#jdk-default");
        if (jdkDefault) transformation = transformation.substring(0, transformation.indexOf('#'));
        String pem = Files.readString(Path.of(args[1]));
        String der = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(der)));

        Cipher rsa = Cipher.getInstance(transformation);
        if (transformation.equals("RSA/ECB/OAEPWithSHA-256AndMGF1Padding") && !jdkDefault) {
            rsa.init(Cipher.DECRYPT_MODE, key, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
        } else {
            rsa.init(Cipher.DECRYPT_MODE, key);
        }
        byte[] aesKey = rsa.doFinal(Base64.getDecoder().decode(args[2]));
        byte[] iv = Base64.getDecoder().decode(args[3]);
        for (int i = 4; i < args.length; i++) {
            Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
            aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new GCMParameterSpec(128, iv));
            byte[] plain = aes.doFinal(Base64.getDecoder().decode(args[i]));
            System.out.println(Base64.getEncoder().encodeToString(plain));
        }
    }
}
