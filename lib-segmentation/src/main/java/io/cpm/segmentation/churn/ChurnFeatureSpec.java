package io.cpm.segmentation.churn;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * Which columns feed the churn model: numeric ones (imputed with the median, booleans as 0/1) and
 * categorical ones (one-hot encoded); the id column is carried through but never used as a feature.
 */
public record ChurnFeatureSpec(String idColumn, List<String> numeric, List<String> categorical)
    implements Serializable {
  public ChurnFeatureSpec {
    Objects.requireNonNull(idColumn, "idColumn");
    numeric = List.copyOf(numeric);
    categorical = List.copyOf(categorical);
    if (numeric.isEmpty() && categorical.isEmpty()) {
      throw new IllegalArgumentException("Invalid churn features: no feature columns");
    }
    if (numeric.contains(idColumn) || categorical.contains(idColumn)) {
      throw new IllegalArgumentException("Invalid churn features: the id column " + idColumn + " cannot be a feature");
    }
  }

  /** Infers the spec from a dataset: numeric/boolean columns are numeric, strings categorical, others ignored. */
  public static ChurnFeatureSpec infer(Dataset<Row> data, String idColumn, List<String> excluded) {
    List<String> numeric = new ArrayList<>();
    List<String> categorical = new ArrayList<>();
    for (StructField field : data.schema().fields()) {
      String name = field.name();
      if (name.equals(idColumn) || excluded.contains(name)) {
        continue;
      }
      if (field.dataType() instanceof NumericType || field.dataType().equals(DataTypes.BooleanType)) {
        numeric.add(name);
      } else if (field.dataType().equals(DataTypes.StringType)) {
        categorical.add(name);
      }
    }
    return new ChurnFeatureSpec(idColumn, numeric, categorical);
  }

  /** Casts numeric features to double (Imputer and the assembler need doubles) and fills absent categories. */
  public Dataset<Row> prepare(Dataset<Row> data) {
    List<String> missing = new ArrayList<>();
    for (String name : features()) {
      if (!List.of(data.columns()).contains(name)) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("Missing churn feature columns: " + missing);
    }
    Dataset<Row> result = data;
    for (String name : numeric) {
      result = result.withColumn(name, col(name).cast(DataTypes.DoubleType));
    }
    for (String name : categorical) {
      Column value = col(name).cast(DataTypes.StringType);
      result = result.withColumn(name, org.apache.spark.sql.functions.coalesce(value,
          org.apache.spark.sql.functions.lit("(missing)")));
    }
    return result;
  }

  public List<String> features() {
    List<String> all = new ArrayList<>(numeric);
    all.addAll(categorical);
    return all;
  }
}
