import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * java.util.regex's verdict on the service's address pattern, for comparison with ours.
 * Arguments: the pattern. Stdin: one base64 (UTF-8) candidate per line. Stdout: 1 or 0 per line.
 */
public class AddressCheck {
    public static void main(String[] args) throws Exception {
        Pattern p = Pattern.compile(args[0]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        StringBuilder out = new StringBuilder();
        for (String line; (line = in.readLine()) != null; ) {
            String s = new String(Base64.getDecoder().decode(line), StandardCharsets.UTF_8);
            out.append(p.matcher(s).matches() ? '1' : '0').append('\n');
        }
        System.out.print(out);
    }
}
