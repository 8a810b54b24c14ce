package io.cpm.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpmConfigTest {
  @TempDir
  Path dir;

  @Test
  void bundledConfigsLoad() {
    CpmConfig local = CpmConfig.load(RepoFiles.path("conf/local.conf"), List.of());
    assertThat(local.warehouseRoot()).isEqualTo("warehouse");
    assertThat(local.database()).isEqualTo("cpm");
    assertThat(local.sparkConf()).containsEntry("spark.ui.enabled", "false");
    CpmConfig cluster = CpmConfig.load(RepoFiles.path("conf/cluster.conf"), List.of());
    assertThat(cluster.warehouseRoot()).startsWith("s3a://");
    assertThat(cluster.catalogImplementation()).isEqualTo("hive");
  }

  @Test
  void misspeltKeyIsRejectedWithKeyAndFile() throws IOException {
    Path file = write("paths { warehous = \"/tmp/w\" }\n");
    assertThatThrownBy(() -> CpmConfig.load(file, List.of()))
        .isInstanceOfSatisfying(CpmException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessageContaining("paths.warehous")
        .hasMessageContaining(file.toString());
  }

  @Test
  void overridesWinAndAreValidatedToo() throws IOException {
    Path file = write("seed = 7\n");
    CpmConfig config = CpmConfig.load(file, List.of("seed=11", "paths.warehouse=/tmp/x"));
    assertThat(config.seed()).isEqualTo(11);
    assertThat(config.warehouseRoot()).isEqualTo("/tmp/x");
    assertThatThrownBy(() -> CpmConfig.load(file, List.of("sead=1")))
        .hasMessageContaining("sead").hasMessageContaining("--set");
  }

  @Test
  void sparkConfIsFreeForm() throws IOException {
    Path file = write("spark.conf { \"spark.executor.memory\" = \"2g\" }\n");
    assertThat(CpmConfig.load(file, List.of()).sparkConf()).containsEntry("spark.executor.memory", "2g");
  }

  private Path write(String text) throws IOException {
    Path file = dir.resolve("test.conf");
    Files.writeString(file, text);
    return file;
  }
}
