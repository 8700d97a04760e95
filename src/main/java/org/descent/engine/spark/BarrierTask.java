package org.descent.engine.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.descent.engine.BatchPlan;
import org.descent.loss.Loss;
import org.descent.nn.Collective;
import org.descent.nn.Sequential;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * The executor's side of a barrier stage: connect to the driver's {@link StepService}, present the
 * token, then serve steps until told to stop — read the parameters, compute this partition's slice
 * ({@link PartitionWorker}, the same code as the job-per-step mode), send the result. The task
 * holds no training state of its own: the driver says which step to run, so a relaunched stage
 * simply continues where the driver is.
 */
final class BarrierTask extends AbstractFunction1<Iterator<Block>, Iterator<Long>> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String host;
    private final int port;
    private final String token;
    private final String runId;
    private final BatchPlan plan;
    private final Sequential model;
    private final Loss loss;
    private final boolean syncBatchNorm;
    private final StepOptions options;
    private final int timeoutMillis;
    private final Stall stall;
    private final int launch;

    /** Test hook: partition {@code partition} stops answering at global step {@code step} in stage attempt 0. */
    record Stall(int partition, long step) implements Serializable {
    }

    BarrierTask(InetSocketAddress driver, String token, String runId, BatchPlan plan, Sequential model, Loss loss,
                boolean syncBatchNorm, StepOptions options, int timeoutMillis, Stall stall, int launch) {
        this.host = driver.getHostString();
        this.port = driver.getPort();
        this.token = token;
        this.runId = runId;
        this.plan = plan;
        this.model = model;
        this.loss = loss;
        this.syncBatchNorm = syncBatchNorm;
        this.options = options;
        this.timeoutMillis = timeoutMillis;
        this.stall = stall;
        this.launch = launch;
    }

    @Override
    public Iterator<Long> apply(Iterator<Block> blocks) {
        BarrierTaskContext context = BarrierTaskContext.get();
        int partition = context.partitionId();
        Block block = blocks.hasNext() ? blocks.next() : null;
        PartitionWorker worker = ExecutorCache.get(runId, partition, () -> new PartitionWorker(model));
        long served = 0;
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            // The driver times tasks out; this only keeps a task from outliving a driver that stopped answering.
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, 2L * timeoutMillis + 10_000));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
            byte[] t = token.getBytes(StandardCharsets.US_ASCII);
            out.writeInt(Wire.MAGIC);
            out.writeInt(t.length);
            out.write(t);
            out.writeInt(partition);
            out.writeInt(context.stageAttemptNumber());
            out.writeInt(launch);
            out.flush();
            Wire wire = new Wire();
            float[] params = null;
            float[] buffers = null;
            while (true) {
                byte type = in.readByte();
                if (type == Wire.STOP) {
                    break;
                }
                if (type != Wire.STEP) {
                    throw new IOException("unexpected message " + type + " from the driver");
                }
                int epoch = in.readInt();
                long stepInEpoch = in.readLong();
                long step = in.readLong();
                params = wire.readFloats(in, params);
                buffers = wire.readFloats(in, buffers);
                if (stall != null && stall.partition() == partition && stall.step() == step && context.stageAttemptNumber() == 0) {
                    Thread.sleep(Long.MAX_VALUE);
                }
                Collective collective = new DriverCollective(in, out, wire, step, plan.activePartitions(epoch, stepInEpoch));
                PartitionResult r = block == null
                        ? PartitionResult.empty(partition, model.paramCount(), model.statsSize(), options.exactSums())
                        : worker.step(partition, block, plan, new StepState(params, buffers), loss, epoch, stepInEpoch, step, collective, syncBatchNorm,
                                options);
                out.writeByte(Wire.RESULT);
                out.writeLong(step);
                out.writeDouble(r.lossSum());
                out.writeLong(r.count());
                out.writeLong(r.computeNanos());
                out.writeLong(r.syncNanos());
                if (r.exactGradSum() != null) {
                    out.writeByte(Wire.EXACT_GRADIENTS);
                    wire.writeDoubles(out, r.exactGradSum(), 0, r.exactGradSum().length);
                } else {
                    out.writeByte(Wire.FLOAT_GRADIENTS);
                    wire.writeFloats(out, r.gradSum(), 0, r.gradSum().length);
                }
                wire.writeDoubles(out, r.stats(), 0, r.stats().length);
                out.flush();
                served++;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("partition " + partition + ": the driver's step service at " + host + ":" + port
                    + " went away: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("partition " + partition + " interrupted", e);
        }
        return CollectionConverters.asScala(List.of(served).iterator());
    }

    /** Synchronized batch norm's sums, through the driver: send this partition's values, block for the sum over all active partitions. */
    private static final class DriverCollective implements Collective {
        private final DataInputStream in;
        private final DataOutputStream out;
        private final Wire wire;
        private final long step;
        private final int size;

        DriverCollective(DataInputStream in, DataOutputStream out, Wire wire, long step, int size) {
            this.in = in;
            this.out = out;
            this.wire = wire;
            this.step = step;
            this.size = size;
        }

        @Override
        public void allReduceSum(double[] values, int offset, int length) {
            try {
                out.writeByte(Wire.REDUCE);
                out.writeLong(step);
                wire.writeDoubles(out, values, offset, length);
                out.flush();
                byte type = in.readByte();
                if (type != Wire.SUM) {
                    throw new IOException("expected a sum from the driver, got message " + type);
                }
                wire.readDoublesInto(in, values, offset, length);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("batch-norm exchange in step " + step + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public int size() {
            return size;
        }
    }
}
