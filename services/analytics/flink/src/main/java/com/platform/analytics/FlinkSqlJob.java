package com.platform.analytics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * Runs a Flink SQL file: `FlinkSqlJob <file.sql> [--resume-from-latest-checkpoint] [--plan-only] [key=value ...]`.
 *
 * <p>`${NAME}` in the file is replaced by the environment variable NAME (a missing one is an error, so a job never
 * starts half-configured); each `key=value` argument is a Flink configuration option. From a plain JVM the job runs
 * in a local mini-cluster; submitted to a Flink cluster (`flink run`, the Kubernetes operator) it runs there, with the
 * cluster's configuration under the arguments'. With `--resume-from-latest-checkpoint` the job restores the newest
 * retained checkpoint under `execution.checkpointing.dir` (local runs; the operator tracks checkpoints itself).
 */
public final class FlinkSqlJob {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)}");
  private static final String RECOVERY_PATH = "execution.state-recovery.path";

  private FlinkSqlJob() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: FlinkSqlJob <file.sql> [--resume-from-latest-checkpoint] [key=value ...]");
      System.exit(2);
    }
    Map<String, String> options = new HashMap<>();
    boolean resume = false;
    boolean planOnly = false;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--resume-from-latest-checkpoint")) {
        resume = true;
        continue;
      }
      if (args[i].equals("--plan-only")) {
        planOnly = true;
        continue;
      }
      int eq = args[i].indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("not a key=value option: " + args[i]);
      options.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    if (resume && !options.containsKey(RECOVERY_PATH)) {
      String dir = options.get("execution.checkpointing.dir");
      if (dir == null) throw new IllegalArgumentException("--resume-from-latest-checkpoint needs execution.checkpointing.dir");
      Optional<Path> latest = latestCheckpoint(Path.of(dir.replaceFirst("^file://", "")));
      if (latest.isPresent()) {
        options.put(RECOVERY_PATH, latest.get().toUri().toString());
        System.out.println("analytics-job: restoring checkpoint " + latest.get());
        removeOtherJobs(latest.get().getParent());
      } else {
        System.out.println("analytics-job: no retained checkpoint under " + dir + ", starting fresh");
      }
    }
    Configuration configuration = Configuration.fromMap(options);
    String sql = substitute(Files.readString(Path.of(args[0])), System.getenv());

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration);
    StreamTableEnvironment tableEnv = StreamTableEnvironment.create(
        env, EnvironmentSettings.newInstance().inStreamingMode().withConfiguration(configuration).build());
    TableResult job = null;
    for (String statement : statements(sql)) {
      if (planOnly && statement.trim().toUpperCase().startsWith("INSERT")) {
        tableEnv.explainSql(statement);
        continue;
      }
      TableResult result = tableEnv.executeSql(statement);
      if (result.getJobClient().isPresent()) job = result;
    }
    if (planOnly) {
      System.out.println("analytics-job: planned " + args[0]);
      return;
    }
    if (job == null) throw new IllegalStateException(args[0] + " submits no job (no INSERT or STATEMENT SET)");
    System.out.println("analytics-job: running job " + job.getJobClient().get().getJobID());
    job.await();
  }

  /** The newest `chk-N` holding a `_metadata` file (a completed, retained checkpoint) under any job's folder. */
  static Optional<Path> latestCheckpoint(Path root) throws IOException {
    if (!Files.isDirectory(root)) return Optional.empty();
    try (Stream<Path> files = Files.find(root, 3, (path, attrs) -> path.getFileName().toString().equals("_metadata")
        && path.getParent().getFileName().toString().startsWith("chk-"))) {
      return files.max((a, b) -> modified(a).compareTo(modified(b))).map(Path::getParent);
    }
  }

  /** Earlier runs' checkpoint folders: only the one being restored is still needed (each run is a new job id). */
  private static void removeOtherJobs(Path keep) throws IOException {
    try (Stream<Path> jobs = Files.list(keep.getParent())) {
      for (Path job : jobs.filter(path -> Files.isDirectory(path) && !path.equals(keep)).toList()) {
        try (Stream<Path> tree = Files.walk(job)) {
          for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(path);
        }
      }
    }
  }

  private static FileTime modified(Path path) {
    try {
      return Files.getLastModifiedTime(path);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  static String substitute(String sql, Map<String, String> env) {
    Matcher matcher = PLACEHOLDER.matcher(sql);
    StringBuilder out = new StringBuilder();
    List<String> missing = new ArrayList<>();
    while (matcher.find()) {
      String value = env.get(matcher.group(1));
      if (value == null) missing.add(matcher.group(1));
      matcher.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
    }
    matcher.appendTail(out);
    if (!missing.isEmpty()) throw new IllegalArgumentException("the SQL needs these environment variables: " + missing);
    return out.toString();
  }

  /**
   * The file's statements: each ends with `;` at the end of a line; `EXECUTE STATEMENT SET BEGIN … END;` is one
   * statement. Lines starting with `--` are comments.
   */
  static List<String> statements(String sql) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean inSet = false;
    for (String line : sql.split("\n")) {
      String trimmed = line.trim();
      if (trimmed.startsWith("--") || (trimmed.isEmpty() && current.length() == 0)) continue;
      if (current.length() == 0 && trimmed.toUpperCase().startsWith("EXECUTE STATEMENT SET")) inSet = true;
      current.append(line).append('\n');
      boolean ends = inSet ? trimmed.equalsIgnoreCase("END;") : trimmed.endsWith(";");
      if (ends) {
        String statement = current.toString().trim();
        statements.add(statement.substring(0, statement.length() - 1));
        current.setLength(0);
        inSet = false;
      }
    }
    if (current.toString().trim().length() > 0) throw new IllegalArgumentException("unterminated statement: " + current);
    return statements;
  }
}
