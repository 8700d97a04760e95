package org.descent.engine.spark;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.descent.engine.TrainingState;

/**
 * Writes and finds {@link TrainingState} checkpoints in a directory of any Hadoop FileSystem
 * ({@code file://}, {@code hdfs://}, {@code s3a://} as the Hadoop configuration allows). Each is
 * written under a temporary name and renamed, named by its global step
 * ({@code ckpt-000000000123.bin}); only the newest {@code keep} are kept.
 */
public final class Checkpointer {
    private static final String PREFIX = "ckpt-";
    private static final String SUFFIX = ".bin";
    private final Path dir;
    private final Configuration hadoop;
    private final int keep;

    public Checkpointer(String dirUri, Configuration hadoop, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("checkpoint.keep must be ≥ 1, got " + keep);
        }
        this.dir = new Path(dirUri);
        this.hadoop = hadoop;
        this.keep = keep;
    }

    public String directory() {
        return dir.toString();
    }

    public void save(TrainingState state) throws IOException {
        FileSystem fs = dir.getFileSystem(hadoop);
        fs.mkdirs(dir);
        String name = String.format("%s%012d%s", PREFIX, state.step(), SUFFIX);
        Path tmp = new Path(dir, "." + name + ".tmp");
        try (FSDataOutputStream raw = fs.create(tmp, true); ObjectOutputStream out = new ObjectOutputStream(raw)) {
            out.writeObject(state);
        }
        Path target = new Path(dir, name);
        fs.delete(target, false);
        if (!fs.rename(tmp, target)) {
            fs.delete(tmp, false);
            throw new IOException("could not rename checkpoint " + tmp + " to " + target);
        }
        List<Path> all = list(fs);
        for (int i = 0; i + keep < all.size(); i++) {
            fs.delete(all.get(i), false);
        }
    }

    /** Checkpoint files, oldest first. */
    private List<Path> list(FileSystem fs) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!fs.exists(dir)) {
            return out;
        }
        for (FileStatus st : fs.listStatus(dir)) {
            String n = st.getPath().getName();
            if (n.startsWith(PREFIX) && n.endsWith(SUFFIX)) {
                out.add(st.getPath());
            }
        }
        out.sort((a, b) -> a.getName().compareTo(b.getName()));
        return out;
    }

    public List<String> names() throws IOException {
        List<String> names = new ArrayList<>();
        for (Path p : list(dir.getFileSystem(hadoop))) {
            names.add(p.getName());
        }
        return names;
    }

    /** The newest checkpoint, if any. */
    public Optional<TrainingState> latest() throws IOException {
        FileSystem fs = dir.getFileSystem(hadoop);
        List<Path> all = list(fs);
        if (all.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(read(fs, all.get(all.size() - 1)));
    }

    /** The checkpoint taken after global step {@code step} (counting from 1), if kept. */
    public Optional<TrainingState> atStep(long step) throws IOException {
        FileSystem fs = dir.getFileSystem(hadoop);
        Path p = new Path(dir, String.format("%s%012d%s", PREFIX, step, SUFFIX));
        return fs.exists(p) ? Optional.of(read(fs, p)) : Optional.empty();
    }

    private static TrainingState read(FileSystem fs, Path p) throws IOException {
        try (ObjectInputStream in = new ObjectInputStream(fs.open(p))) {
            return (TrainingState) in.readObject();
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new IOException(p + ": not a Descent checkpoint (" + e.getMessage() + ")", e);
        }
    }
}
