package io.cpm.jobs.sql;

import static io.cpm.metrics.schema.GoldTable.CUSTOMER_360;
import static io.cpm.metrics.schema.GoldTable.CUSTOMER_SCORES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cpm.jobs.OutputsWarehouse;
import io.cpm.jobs.storage.Tables;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JDBC server as an analyst's BI tool meets it: a password, documented queries, and no writes. One server per
 * test JVM (HiveServer2 does not bind a second time in the same JVM), so every JDBC check is here.
 */
class SqlServerTest {
  private static final String USER = "analyst";
  private static final String PASSWORD = "s3cret-token";

  @Test
  void hiveJdbcClientRunsADocumentedQueryOverAPasswordProtectedReadOnlyThriftServer() throws Exception {
    Tables tables = OutputsWarehouse.tables();
    SqlCatalog.register(tables);
    long scores = tables.read(CUSTOMER_SCORES.table()).count();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (SqlServer server = SqlServer.start(tables.spark(), "localhost", port,
        new SqlServer.Access(USER, PASSWORD, SqlServer.Writes.REFUSED))) {
      Class.forName("org.apache.hive.jdbc.HiveDriver");
      String url = server.jdbcUrl(OutputsWarehouse.DATABASE);
      assertThatThrownBy(() -> DriverManager.getConnection(url, USER, "wrong").close())
          .isInstanceOf(java.sql.SQLException.class);
      assertThatThrownBy(() -> DriverManager.getConnection(url, "anonymous", "").close())
          .isInstanceOf(java.sql.SQLException.class);
      String first = SqlDocsTest.exampleQueries().get(0);
      List<String> segments = new ArrayList<>();
      try (Connection connection = DriverManager.getConnection(url, USER, PASSWORD);
           Statement statement = connection.createStatement();
           ResultSet rows = statement.executeQuery(first)) {
        while (rows.next()) {
          segments.add(rows.getString("rfm_segment") + "=" + rows.getLong("customers"));
        }
      }
      assertThat(segments).hasSize(6).contains("at_risk=1", "champions=1", "new=1");
      try (Connection connection = DriverManager.getConnection(url, USER, PASSWORD);
           Statement statement = connection.createStatement();
           ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + CUSTOMER_360.table())) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getLong(1)).isEqualTo(6);
      }
      try (Connection connection = DriverManager.getConnection(url, USER, PASSWORD);
           Statement statement = connection.createStatement()) {
        assertThatThrownBy(() -> statement.execute("DELETE FROM " + CUSTOMER_SCORES.table()))
            .isInstanceOf(java.sql.SQLException.class).hasMessageContaining("read-only");
        assertThatThrownBy(() -> statement.execute("SET spark.sql.shuffle.partitions=9"))
            .isInstanceOf(java.sql.SQLException.class).hasMessageContaining("read-only");
      }
    }
    assertThat(tables.read(CUSTOMER_SCORES.table()).count()).as("rows after the refused DELETE").isEqualTo(scores);
  }
}
