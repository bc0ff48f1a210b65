package org.scoresde.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * A folder tree of PNG/JPEG images. Files are taken in path order (hidden '.'/'_' names skipped);
 * when every image lies in a sub-folder, the top-level sub-folder's name is its class (classes
 * numbered in name order); when none does, the images are unlabelled. Planning probes every file's
 * header in parallel: a file that is not a PNG or JPEG, or images of different sizes without
 * {@code --resize}, stop the job before any pixel is decoded. The dataset is grey when every image
 * is grey, colour (3 channels) otherwise. Files are then decoded in parallel in groups.
 */
public final class ImageFolderInput {
  private static final int MAX_FILES_PER_SPLIT = 2048;

  private ImageFolderInput() {}

  /** A group of consecutive files; the first has index {@code first}. */
  public record Split(List<String> files, int[] labels, long first, int height, int width, int channels)
      implements Serializable {}

  /** What the header probe of one group found: each distinct size with the first file of that size, the most channels, the first problem. */
  public record Probe(LinkedHashMap<String, String> sizes, int channels, String problemFile, String problem)
      implements Serializable {}

  public static PlannedInput<Split> plan(InputRequest req, Configuration conf, ParallelMap pm) throws IOException {
    if (req.labels() != null) {
      throw new InputProblem(req.labels(), "--labels is for IDX; an image folder takes its labels from sub-folder names");
    }
    FileStatus root = InputFiles.status(req.input(), conf);
    if (root.isFile()) {
      throw new InputProblem(req.input(), "is a file; --format images reads a folder of PNG/JPEG files");
    }
    List<FileStatus> files = InputFiles.list(root, true, conf);
    if (files.isEmpty()) {
      throw new InputProblem(req.input(), "holds no files (empty input)");
    }
    int rootDepth = root.getPath().depth();
    TreeSet<String> classNames = new TreeSet<>();
    String topLevel = null;
    for (FileStatus f : files) {
      List<String> rel = InputFiles.relative(f.getPath(), rootDepth);
      if (rel.size() == 1) {
        topLevel = topLevel == null ? InputFiles.display(f.getPath()) : topLevel;
      } else {
        classNames.add(rel.get(0));
      }
    }
    if (topLevel != null && !classNames.isEmpty()) {
      throw new InputProblem(topLevel, "lies at the top of the image folder while other images are in class "
          + "sub-folders; put every image in a class folder, or none");
    }
    List<String> classes = new ArrayList<>(classNames);
    Map<String, Integer> classIndex = new HashMap<>();
    for (String c : classes) {
      classIndex.put(c, classIndex.size());
    }
    long total = files.stream().mapToLong(FileStatus::getLen).sum();
    int n = files.size();
    long groups = Math.max(Math.max((total + req.splitBytes() - 1) / req.splitBytes(),
        (n + MAX_FILES_PER_SPLIT - 1) / MAX_FILES_PER_SPLIT), Math.min(n, Math.max(1, pm.parallelism())));
    List<Split> unsized = new ArrayList<>();
    for (long g = 0; g < groups; g++) {
      int from = (int) (g * n / groups);
      int to = (int) ((g + 1) * n / groups);
      List<String> paths = new ArrayList<>();
      int[] labels = new int[to - from];
      for (int i = from; i < to; i++) {
        Path p = files.get(i).getPath();
        paths.add(p.toString());
        labels[i - from] = classes.isEmpty() ? Example.UNLABELLED
            : classIndex.get(InputFiles.relative(p, rootDepth).get(0));
      }
      unsized.add(new Split(paths, labels, from, 0, 0, 0));
    }
    List<Probe> probes = pm.map(unsized, ImageFolderInput::probe);
    LinkedHashMap<String, String> sizes = new LinkedHashMap<>();
    int channels = 1;
    for (Probe p : probes) {
      if (p.problem() != null) {
        throw new InputProblem(p.problemFile(), p.problem());
      }
      p.sizes().forEach(sizes::putIfAbsent);
      channels = Math.max(channels, p.channels());
    }
    int height;
    int width;
    if (req.resize() != null) {
      height = req.resize().height();
      width = req.resize().width();
    } else {
      if (sizes.size() > 1) {
        List<Map.Entry<String, String>> two = new ArrayList<>(sizes.entrySet()).subList(0, 2);
        throw new InputProblem(two.get(1).getValue(), "is " + two.get(1).getKey() + " (HxW) but "
            + two.get(0).getValue() + " is " + two.get(0).getKey() + ": mixed image sizes; pass --resize HxW");
      }
      String[] hw = sizes.keySet().iterator().next().split("x");
      height = Integer.parseInt(hw[0]);
      width = Integer.parseInt(hw[1]);
    }
    List<Split> splits = new ArrayList<>();
    for (Split s : unsized) {
      splits.add(new Split(s.files(), s.labels(), s.first(), height, width, channels));
    }
    List<String> sources = List.of(root.getPath().toString());
    Layout layout = new Layout(ShardFormat.IMAGES, n, height, width, channels, classes.isEmpty() ? null : classes);
    return new PlannedInput<>(layout, splits, ImageFolderInput::open, sources);
  }

  /** Probes the headers of one group's files; stops at the first bad file. */
  static Probe probe(Split s, Configuration conf) throws IOException {
    LinkedHashMap<String, String> sizes = new LinkedHashMap<>();
    int channels = 1;
    for (String f : s.files()) {
      Path p = new Path(f);
      String name = InputFiles.display(p);
      try (InputStream in = p.getFileSystem(conf).open(p)) {
        ImageDecoder.Info info = ImageDecoder.probe(in, name);
        sizes.putIfAbsent(info.height() + "x" + info.width(), name);
        channels = Math.max(channels, info.channels());
      } catch (InputProblem e) {
        return new Probe(sizes, channels, e.file(), e.problem());
      }
    }
    return new Probe(sizes, channels, null, null);
  }

  /** Decodes one group of files, resizing each to the split's size when needed. */
  public static CloseableIterator<Example> open(Split s, Configuration conf) {
    return new ExampleIterator() {
      private int i;

      @Override
      protected Example compute() throws IOException {
        if (i == s.files().size()) {
          return null;
        }
        int k = i++;
        Path p = new Path(s.files().get(k));
        String name = InputFiles.display(p);
        ImageDecoder.Decoded d;
        try (InputStream in = p.getFileSystem(conf).open(p)) {
          d = ImageDecoder.decode(in, name, s.channels());
        }
        byte[] px = ImageResize.resize(d.pixels(), s.channels(), d.height(), d.width(), s.height(), s.width());
        return Example.ofPixels(s.first() + k, s.labels()[k], px);
      }

      @Override
      protected void release() {}
    };
  }
}
