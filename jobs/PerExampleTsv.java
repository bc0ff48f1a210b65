import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/**
 * Prints an evaluation's per-example values (EVAL/per_example/*.parquet, as evaluate writes them) as
 * "index TAB value TAB nfe" lines, for scripts without a Parquet reader (jobs/fp-ablation-fashion.sh
 * pairs two models' values by index). Run: java -cp "lib/score-sde.jar:lib/spark/*" jobs/PerExampleTsv.java EVAL_DIR
 */
public final class PerExampleTsv {
  public static void main(String[] args) throws Exception {
    Configuration conf = new Configuration();
    Path dir = new Path(args[0], "per_example");
    FileSystem fs = dir.getFileSystem(conf);
    List<Path> files = new ArrayList<>();
    for (FileStatus st : fs.listStatus(dir)) {
      if (st.getPath().getName().endsWith(".parquet")) {
        files.add(st.getPath());
      }
    }
    StringBuilder out = new StringBuilder();
    for (Path f : files) {
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), f).withConf(conf).build()) {
        for (Group g = reader.read(); g != null; g = reader.read()) {
          out.append(g.getLong("index", 0)).append('\t').append(g.getDouble("value", 0)).append('\t')
              .append(g.getDouble("nfe", 0)).append('\n');
        }
      }
    }
    System.out.print(out);
  }
}
