package io.cpm.jobs.ingest.identity;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.cpm.jobs.CpmException;
import io.cpm.jobs.ingest.IngestSettings;
import io.cpm.metrics.identity.IdentityResolver.Kind;
import io.cpm.metrics.identity.IdentityResolver.Parameters;
import io.cpm.metrics.identity.IdentityResolver.Rule;
import io.cpm.metrics.identity.MatchKeys;
import io.cpm.metrics.schema.Entity;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed {@code ingest.identity} settings: the ordered identity rules of every entity that references a customer,
 * the free-mail domains, the phone default region and create-unmatched. Parsed at config load, so a wrong kind,
 * column or region is a config error (exit 2) naming the key, file and line before any data is read
 * ({@code --dry-run}, {@code cpm check-mapping}). docs/identity.md describes the keys.
 */
public record IdentitySettings(Map<Entity, List<Rule>> rules, Parameters parameters) implements Serializable {
  public static final String KEY = "ingest.identity";
  /** The default rule: the entity's customer_id is the CRM account id (the systems share it). */
  public static final Rule CUSTOMER_ID = new Rule("customer_id", Kind.CUSTOMER_ID, List.of("customer_id"),
      List.of("customer_id"));

  public IdentitySettings {
    requireNonNull(parameters, "parameters");
    EnumMap<Entity, List<Rule>> copy = new EnumMap<>(Entity.class);
    rules.forEach((entity, list) -> copy.put(entity, List.copyOf(list)));
    rules = java.util.Collections.unmodifiableMap(copy);
  }

  /** Rules of an entity (only entities that reference a customer have any). */
  public List<Rule> rules(Entity entity) {
    return rules.getOrDefault(entity, List.of(CUSTOMER_ID));
  }

  /**
   * Whether the entity's references need resolving: not when its only rule is {@code customer_id} and nothing is
   * created, since then every reference is its own customer id (the sample's case; no table is written).
   */
  public boolean resolves(Entity entity) {
    return entity.referencesCustomer()
        && (parameters.createUnmatched() || !rules(entity).equals(List.of(CUSTOMER_ID)));
  }

  /** Whether any entity needs resolving. */
  public boolean active() {
    return Arrays.stream(Entity.values()).anyMatch(this::resolves);
  }

  public static IdentitySettings defaults() {
    Map<Entity, List<Rule>> rules = new EnumMap<>(Entity.class);
    for (Entity e : Entity.values()) {
      if (e.referencesCustomer()) {
        rules.put(e, List.of(CUSTOMER_ID));
      }
    }
    return new IdentitySettings(rules, Parameters.defaults());
  }

  /** Parses {@code ingest.identity} of the merged configuration. */
  public static IdentitySettings from(Config root) {
    Config c = root.getConfig(KEY);
    String region = c.getString("default-region").trim();
    if (!MatchKeys.knownRegion(region)) {
      throw CpmException.usage(KEY + ".default-region = " + region + ": not an ISO 3166 region libphonenumber"
          + " knows, e.g. US, GB, DE (" + where(c.getValue("default-region")) + ")");
    }
    Set<String> freeMail = new TreeSet<>(MatchKeys.DEFAULT_FREE_MAIL_DOMAINS);
    for (String domain : c.getStringList("free-mail-domains")) {
      String d = domain.trim().toLowerCase(Locale.ROOT);
      if (d.isEmpty() || d.contains("@") || !d.contains(".")) {
        throw CpmException.usage(KEY + ".free-mail-domains: '" + domain + "' is not a domain such as example.com ("
            + where(c.getValue("free-mail-domains")) + ")");
      }
      freeMail.add(d);
    }
    Map<Entity, List<Rule>> rules = new EnumMap<>(Entity.class);
    Config ruleConfig = c.getConfig("rules");
    for (Map.Entry<String, ConfigValue> e : ruleConfig.entrySet()) {
      String key = KEY + ".rules." + e.getKey();
      String[] parts = e.getKey().split("\\.");
      Entity entity = parts.length == 2 ? entityOrNull(parts[1]) : null;
      if (entity == null || !entity.source().equals(parts[0]) || !entity.referencesCustomer()) {
        throw CpmException.usage(key + ": not <source>.<entity> of an entity that references a customer (one of "
            + Arrays.stream(Entity.values()).filter(Entity::referencesCustomer)
                .map(x -> x.source() + "." + x.entityName()).toList() + ") (" + where(e.getValue()) + ")");
      }
      rules.put(entity, rules(entity, key, e.getValue()));
    }
    for (Entity e : Entity.values()) {
      if (e.referencesCustomer()) {
        rules.putIfAbsent(e, List.of(CUSTOMER_ID));
      }
    }
    return new IdentitySettings(rules, new Parameters(freeMail, region.toUpperCase(Locale.ROOT),
        c.getBoolean("create-unmatched")));
  }

  private static List<Rule> rules(Entity entity, String key, ConfigValue value) {
    if (value.valueType() != ConfigValueType.LIST) {
      throw CpmException.usage(key + " must be a list of rules, e.g. [crosswalk, email] (" + where(value) + ")");
    }
    List<Rule> result = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (ConfigValue item : (com.typesafe.config.ConfigList) value) {
      Rule rule = rule(entity, key, item);
      if (!names.add(rule.name())) {
        throw CpmException.usage(key + ": rule name '" + rule.name() + "' appears twice; give each a distinct"
            + " name = ... (" + where(item) + ")");
      }
      result.add(rule);
    }
    if (result.isEmpty()) {
      throw CpmException.usage(key + " lists no rule; use [customer_id] when the systems share the CRM id ("
          + where(value) + ")");
    }
    return result;
  }

  private static Rule rule(Entity entity, String key, ConfigValue item) {
    String where = where(item);
    String kindText;
    String name;
    List<String> reference;
    List<String> customer;
    if (item.valueType() == ConfigValueType.STRING) {
      kindText = String.valueOf(item.unwrapped());
      name = null;
      reference = null;
      customer = null;
    } else if (item.valueType() == ConfigValueType.OBJECT) {
      Config o = ((ConfigObject) item).toConfig();
      for (String k : ((ConfigObject) item).keySet()) {
        if (!List.of("kind", "name", "reference", "customer").contains(k)) {
          throw CpmException.usage(key + ": unknown rule key '" + k + "' (expected kind, name, reference,"
              + " customer) (" + where + ")");
        }
      }
      if (!o.hasPath("kind")) {
        throw CpmException.usage(key + ": a rule object needs kind = ... (" + where + ")");
      }
      kindText = o.getString("kind");
      name = o.hasPath("name") ? o.getString("name").trim() : null;
      reference = o.hasPath("reference") ? stringOrList(o, "reference") : null;
      customer = o.hasPath("customer") ? stringOrList(o, "customer") : null;
    } else {
      throw CpmException.usage(key + ": a rule is a kind or { kind = ..., ... }, not " + item.render() + " ("
          + where + ")");
    }
    Kind kind;
    try {
      kind = Kind.parse(kindText);
    } catch (IllegalArgumentException e) {
      throw CpmException.usage(key + ": unknown rule kind '" + kindText + "' (expected one of " + kinds() + ") ("
          + where + ")");
    }
    String kindName = kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    if (name == null || name.isEmpty()) {
      name = kind == Kind.CUSTOMER_ID ? "customer_id" : kindName;
    }
    if (reference == null) {
      reference = kind == Kind.NAME_POSTCODE ? null : List.of("customer_id");
    }
    if (customer == null) {
      customer = switch (kind) {
        case CUSTOMER_ID -> List.of("customer_id");
        case EMAIL, EMAIL_DOMAIN -> List.of("email");
        case PHONE -> List.of("phone");
        case CROSSWALK, NAME_POSTCODE -> null;
      };
    }
    int arity = kind == Kind.NAME_POSTCODE ? 2 : 1;
    if (reference == null || customer == null || reference.size() != arity || customer.size() != arity) {
      throw CpmException.usage(key + ": rule " + name + " (" + kindName + ") needs reference = [...] and customer"
          + " = [...] with " + arity + " column(s) each" + (kind == Kind.CROSSWALK
              ? " (customer: the column of " + Entity.ACCOUNTS.table() + " holding this system's id)" : "")
          + " (" + where + ")");
    }
    checkColumns(key, name, "reference", reference, entity, where);
    checkColumns(key, name, "customer", customer, Entity.ACCOUNTS, where);
    return new Rule(name, kind, reference, customer);
  }

  private static void checkColumns(String key, String rule, String side, List<String> columns, Entity entity,
      String where) {
    List<String> canonical = Arrays.asList(entity.schema().fieldNames());
    for (String column : columns) {
      if (!canonical.contains(column)) {
        throw CpmException.usage(key + ": rule " + rule + " " + side + " column '" + column + "' is not a canonical"
            + " column of " + entity.entityName() + " (columns: " + String.join(", ", canonical) + ") (" + where
            + ")");
      }
    }
  }

  private static List<String> stringOrList(Config c, String path) {
    return c.getValue(path).valueType() == ConfigValueType.LIST ? c.getStringList(path) : List.of(c.getString(path));
  }

  /** Kind names as docs/identity.md writes them: customer_id (the column's name), the others with dashes. */
  private static List<String> kinds() {
    return Arrays.stream(Kind.values()).map(k -> k == Kind.CUSTOMER_ID ? "customer_id"
        : k.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
  }

  private static Entity entityOrNull(String name) {
    return Arrays.stream(Entity.values()).filter(e -> e.entityName().equals(name)).findFirst().orElse(null);
  }

  private static String where(ConfigValue value) {
    return IngestSettings.where(value);
  }
}
