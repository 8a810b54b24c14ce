package io.cpm.jobs.ingest.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.RepoFiles;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.ingest.IngestSettings;
import io.cpm.metrics.identity.IdentityResolver.Kind;
import io.cpm.metrics.identity.IdentityResolver.Rule;
import io.cpm.metrics.schema.Entity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ingest.identity} is parsed at config load: no Spark starts here. */
class IdentitySettingsTest {
  @TempDir
  Path dir;

  @Test
  void bundledConfigResolvesNothingSoTheSampleIsUnchanged() {
    IdentitySettings settings = IngestSettings.from(CpmConfig.load(RepoFiles.path("conf/local.conf"), List.of()))
        .identity();
    assertThat(settings).isEqualTo(IdentitySettings.defaults());
    assertThat(settings.active()).isFalse();
    assertThat(settings.rules(Entity.TICKETS)).containsExactly(IdentitySettings.CUSTOMER_ID);
  }

  @Test
  void rulesParseInOrderWithPerKindDefaults() throws IOException {
    IdentitySettings settings = load("""
        ingest.identity {
          rules.tickets.tickets = [email, { kind = email-domain, name = company_domain }]
          rules.erp.orders = [{ kind = crosswalk, customer = phone }, customer_id]
          free-mail-domains = ["Example.ORG"]
          default-region = gb
        }
        """);
    assertThat(settings.rules(Entity.TICKETS)).containsExactly(
        new Rule("email", Kind.EMAIL, List.of("customer_id"), List.of("email")),
        new Rule("company_domain", Kind.EMAIL_DOMAIN, List.of("customer_id"), List.of("email")));
    assertThat(settings.rules(Entity.ORDERS)).containsExactly(
        new Rule("crosswalk", Kind.CROSSWALK, List.of("customer_id"), List.of("phone")), IdentitySettings.CUSTOMER_ID);
    assertThat(settings.resolves(Entity.TICKETS)).isTrue();
    assertThat(settings.resolves(Entity.INVOICES)).isFalse();
    assertThat(settings.parameters().freeMailDomains()).contains("example.org", "gmail.com");
    assertThat(settings.parameters().defaultRegion()).isEqualTo("GB");
    assertThat(load("ingest.identity.create-unmatched = true").resolves(Entity.INVOICES)).isTrue();
  }

  @Test
  void badRulesAreConfigErrorsNamingKeyFileAndLine() throws IOException {
    assertUsage("ingest.identity.rules.tickets.tickets = [fuzzy]\n",
        "ingest.identity.rules.tickets.tickets", "unknown rule kind 'fuzzy'", "email-domain", ": 1");
    assertUsage("ingest.identity.rules.erp.orders = [crosswalk]\n",
        "ingest.identity.rules.erp.orders", "rule crosswalk (crosswalk) needs reference", "customer");
    assertUsage("\ningest.identity.rules.erp.orders = [{ kind = email, customer = erp_number }]\n",
        "rule email customer column 'erp_number' is not a canonical column of accounts", ": 2");
    assertUsage("ingest.identity.rules.erp.order_lines = [email]\n",
        "unknown config key ingest.identity.rules.erp.order_lines");
    assertUsage("ingest.identity.rules.erp.orders = [email, email]\n", "rule name 'email' appears twice");
    assertUsage("ingest.identity.rules.erp.orders = []\n", "lists no rule");
    assertUsage("ingest.identity.default-region = XX\n", "ingest.identity.default-region = XX", "ISO 3166");
    assertUsage("ingest.identity.free-mail-domains = [\"@gmail\"]\n", "ingest.identity.free-mail-domains");
  }

  private IdentitySettings load(String text) throws IOException {
    return IngestSettings.from(CpmConfig.load(write(text), List.of())).identity();
  }

  private void assertUsage(String text, String... parts) throws IOException {
    Path file = write(text);
    assertThatThrownBy(() -> IngestSettings.from(CpmConfig.load(file, List.of())))
        .isInstanceOfSatisfying(CpmException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessageContainingAll(parts)
        .hasMessageContaining(file.getFileName().toString());
  }

  private int files;

  private Path write(String text) throws IOException {
    Path file = dir.resolve("identity-" + (files++) + ".conf");
    Files.writeString(file, text);
    return file;
  }
}
