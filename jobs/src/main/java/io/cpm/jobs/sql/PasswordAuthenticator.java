package io.cpm.jobs.sql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import javax.security.sasl.AuthenticationException;
import org.apache.hive.service.auth.PasswdAuthenticationProvider;

/**
 * HiveServer2 CUSTOM authentication for {@code cpm sql-server}: a connection must give the password (or token)
 * the server was started with, and the user name when one was set. HiveServer2 creates this class by name, so the
 * expected credentials are held statically by {@link SqlServer#start}; they come from the environment, never the
 * command line (where {@code ps} shows them).
 */
public final class PasswordAuthenticator implements PasswdAuthenticationProvider {
  private static volatile byte[] expectedPassword;
  private static volatile String expectedUser;

  static void expect(String user, String password) {
    expectedUser = user == null || user.isEmpty() ? null : user;
    expectedPassword = password.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void Authenticate(String user, String password) throws AuthenticationException {
    byte[] expected = expectedPassword;
    boolean passwordOk = expected != null && password != null
        && MessageDigest.isEqual(expected, password.getBytes(StandardCharsets.UTF_8));
    boolean userOk = expectedUser == null || expectedUser.equals(user);
    if (!passwordOk || !userOk) {
      throw new AuthenticationException("cpm sql-server: wrong user or password");
    }
  }
}
