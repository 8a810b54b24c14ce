package io.cpm.jobs.sql;

import static io.cpm.metrics.schema.GoldTable.CUSTOMER_360;
import static org.assertj.core.api.Assertions.assertThat;

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

class SqlServerTest {
  @Test
  void hiveJdbcClientRunsADocumentedQueryOverTheThriftServer() throws Exception {
    Tables tables = OutputsWarehouse.tables();
    SqlCatalog.register(tables);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (SqlServer server = SqlServer.start(tables.spark(), "localhost", port)) {
      Class.forName("org.apache.hive.jdbc.HiveDriver");
      String first = SqlDocsTest.exampleQueries().get(0);
      List<String> segments = new ArrayList<>();
      try (Connection connection = DriverManager.getConnection(server.jdbcUrl(OutputsWarehouse.DATABASE), "", "");
           Statement statement = connection.createStatement();
           ResultSet rows = statement.executeQuery(first)) {
        while (rows.next()) {
          segments.add(rows.getString("rfm_segment") + "=" + rows.getLong("customers"));
        }
      }
      assertThat(segments).hasSize(6).contains("at_risk=1", "champions=1", "new=1");
      try (Connection connection = DriverManager.getConnection(server.jdbcUrl(OutputsWarehouse.DATABASE), "", "");
           Statement statement = connection.createStatement();
           ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + CUSTOMER_360.table())) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getLong(1)).isEqualTo(6);
      }
    }
  }
}
