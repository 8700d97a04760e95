package org.descent.engine.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.descent.nn.StepContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The overlapped upload over a real loopback socket: a {@link GradientStreamer} on a
 * {@link TcpDriverLink} sends a segment as soon as backward reports it final, the last first, and
 * {@link GradientSegments} on the other end puts them together into the gradient that was computed.
 */
class GradientStreamerTest {
    private static final int TOTAL = 2 * Wire.SEGMENT_VALUES + 3000;   // three segments, the last a short one
    private ServerSocket server;
    private TcpDriverLink link;
    private Socket accepted;
    private DataInputStream in;

    @BeforeEach
    void connect() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        link = new TcpDriverLink("127.0.0.1", server.getLocalPort(), "token", 0, 0, 1, 10_000, () -> { }, "executor", -1);
        accepted = server.accept();
        accepted.setSoTimeout(10_000);
        in = new DataInputStream(new BufferedInputStream(accepted.getInputStream()));
        assertEquals(Wire.MAGIC, in.readInt());
        in.readFully(new byte[in.readInt()]);
        in.readInt();
        in.readInt();
        in.readInt();
        in.readUTF();
        in.readUTF();
        in.readInt();
    }

    @AfterEach
    void close() throws IOException {
        link.close();
        accepted.close();
        server.close();
    }

    @Test
    void segmentsLeaveAsBackwardFinishesThemAndAddUpToTheGradient() throws IOException {
        StepContext ctx = new StepContext();
        ctx.grads = new float[TOTAL];
        for (int i = 0; i < TOTAL; i++) {
            ctx.grads[i] = (float) Math.sin(i);
        }
        GradientStreamer streamer = new GradientStreamer(link, false).begin(7);
        GradientSegments segments = new GradientSegments("the test's task");
        Wire wire = new Wire();
        streamer.ready(ctx, TOTAL - 10);   // the last segment is not final yet
        streamer.ready(ctx, 2 * Wire.SEGMENT_VALUES);   // now it is, and only it
        assertEquals(List.of(2 * Wire.SEGMENT_VALUES), readSegments(segments, wire, 1));
        assertTrue(!streamer.sentAll());
        streamer.ready(ctx, 0);
        assertEquals(List.of(Wire.SEGMENT_VALUES, 0), readSegments(segments, wire, 2));
        assertTrue(streamer.sentAll());
        link.sendResult(7, new PartitionResult(0, ctx.grads, null, 1.5, 3, new double[0], 0, 0, 0), streamer);
        assertEquals(Wire.RESULT, in.readByte());
        assertEquals(7, in.readLong());
        assertEquals(1.5, in.readDouble());
        assertEquals(3, in.readLong());
        in.readLong();
        in.readLong();
        assertEquals(Wire.FLOAT_GRADIENTS_SENT, in.readByte());
        assertArrayEquals(ctx.grads, segments.takeFloats(7));
    }

    @Test
    void aTreeRootRoundsAnExactGradientSegmentBySegment() throws IOException {
        StepContext ctx = new StepContext();
        ctx.exactGrads = new double[TOTAL];
        float[] rounded = new float[TOTAL];
        for (int i = 0; i < TOTAL; i++) {
            ctx.exactGrads[i] = Math.cos(i) / 3;
            rounded[i] = (float) ctx.exactGrads[i];
        }
        GradientStreamer streamer = new GradientStreamer(link, true).begin(2);
        streamer.ready(ctx, 0);
        assertEquals(Wire.FLOAT_GRADIENTS_SENT, streamer.sentKind(true));
        GradientSegments segments = new GradientSegments("the test's root");
        readSegments(segments, new Wire(), 3);
        assertArrayEquals(rounded, segments.takeFloats(2));
    }

    @Test
    void aGradientWithMissingSegmentsOrValuesOutsideItIsRefusedNamingTheSender() throws IOException {
        StepContext ctx = new StepContext();
        ctx.grads = new float[TOTAL];
        GradientSegments segments = new GradientSegments("partition 4");
        GradientStreamer streamer = new GradientStreamer(link, false).begin(5);
        streamer.ready(ctx, Wire.SEGMENT_VALUES);
        readSegments(segments, new Wire(), 2);
        IOException missing = assertThrows(IOException.class, () -> segments.takeFloats(5));
        assertEquals("partition 4 ended step 5 with " + (TOTAL - Wire.SEGMENT_VALUES) + " of " + TOTAL
                + " streamed gradient values (kind 0, step 5)", missing.getMessage());
        link.sendGradientSegment(5, 100, 90, new float[20], 0, 20);
        link.flush();
        assertEquals(Wire.GRADIENT, in.readByte());
        IOException outside = assertThrows(IOException.class, () -> segments.read(in, new Wire()));
        assertEquals("partition 4 sent gradient values [90, 110) of a 100-value gradient", outside.getMessage());
    }

    /** Reads {@code count} GRADIENT messages into {@code segments}, returning their offsets in the order they came. */
    private List<Integer> readSegments(GradientSegments segments, Wire wire, int count) throws IOException {
        List<Integer> offsets = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            assertEquals(Wire.GRADIENT, in.readByte());
            in.mark(64);
            in.readLong();
            in.readByte();
            in.readInt();
            offsets.add(in.readInt());
            in.reset();
            segments.read(in, wire);
        }
        return offsets;
    }
}
