package org.descent.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.BiFunction;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import scala.Option;

/**
 * Saving and loading fitted models the way MLlib's own models are saved: {@code <path>/metadata}
 * holds the class, uid, Spark version and every param as JSON (Spark's {@code DefaultParamsWriter}
 * format, so Pipelines can read it), and {@code <path>/data/model.bin} the network
 * ({@link TrainedNetwork#write}). Paths are Hadoop paths on any FileSystem.
 */
final class NetworkModelIO {
    private NetworkModelIO() {
    }

    /** Writes a model's metadata and network. */
    static final class Writer extends MLWriter {
        private final Params instance;
        private final TrainedNetwork network;

        Writer(Params instance, TrainedNetwork network) {
            this.instance = instance;
            this.network = network;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession());
            try {
                network.write(new Path(path, "data"), sc().hadoopConfiguration());
            } catch (IOException e) {
                throw new UncheckedIOException("writing the network under " + path + "/data failed: " + e.getMessage(), e);
            }
        }
    }

    /** Reads a model of class {@code type}, built by {@code make(uid, network)}, then sets its saved params. */
    static final class Reader<M extends Params> extends MLReader<M> {
        private final Class<M> type;
        private final BiFunction<String, TrainedNetwork, M> make;

        Reader(Class<M> type, BiFunction<String, TrainedNetwork, M> make) {
            this.type = type;
            this.make = make;
        }

        @Override
        public M load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), type.getName());
            TrainedNetwork network;
            try {
                network = TrainedNetwork.read(new Path(path, "data"), sc().hadoopConfiguration());
            } catch (IOException e) {
                throw new UncheckedIOException("reading the network under " + path + "/data failed: " + e.getMessage(), e);
            }
            M model = make.apply(metadata.uid(), network);
            metadata.getAndSetParams(model, Option.empty());
            return model;
        }
    }
}
