package org.descent.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A line chart of named series over a shared x axis (learning curves), drawn by XChart and written
 * as PNG atomically. Points whose x or y is not finite are left out; a series left without points
 * is not drawn.
 */
public final class LineChart {
    /** How a series is drawn. */
    public enum Style {
        /** A line with a circle at every point: few points (per epoch, per evaluation). */
        LINE_AND_MARKERS,
        /** A plain line: many points (per step). */
        LINE,
        /** A thin line: a noisy series drawn under its smoothed version. */
        THIN_LINE,
        /** The area between the line and zero, filled: stacked bands when drawn from the tallest down. */
        AREA
    }

    private record Series(String name, double[] x, double[] y, Style style, Color color) {
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private boolean xFromZero;
    private boolean yFromZero;
    private Double yMax;
    private String yPattern;

    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Adds a series of (x, y) points, drawn as a line with markers. */
    public LineChart add(String name, List<double[]> points) {
        double[] x = new double[points.size()];
        double[] y = new double[points.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = points.get(i)[0];
            y[i] = points.get(i)[1];
        }
        return add(name, x, y, Style.LINE_AND_MARKERS, null);
    }

    /**
     * Adds a series; later series are drawn over earlier ones.
     *
     * @param color the series color, or null for XChart's next default color
     */
    public LineChart add(String name, double[] x, double[] y, Style style, Color color) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(name + ": " + x.length + " x values, " + y.length + " y values");
        }
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                n++;
            }
        }
        double[] fx = new double[n];
        double[] fy = new double[n];
        for (int i = 0, j = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                fx[j] = x[i];
                fy[j++] = y[i];
            }
        }
        series.add(new Series(name, fx, fy, style, color));
        return this;
    }

    /** Starts the x axis at zero (steps), which also gives round tick labels. */
    public LineChart xFromZero() {
        this.xFromZero = true;
        return this;
    }

    /** Ends the y axis at {@code max}: points above it are cut off at the top of the plot (outliers that would flatten the rest). */
    public LineChart yMax(double max) {
        this.yMax = max;
        return this;
    }

    /** Starts the y axis at zero (stacked bands, whose size is read from the axis) instead of at the smallest value. */
    public LineChart yFromZero() {
        this.yFromZero = true;
        return this;
    }

    /** Formats the y axis labels with a {@link java.text.DecimalFormat} pattern, such as {@code 0.##E0} for small learning rates. */
    public LineChart yDecimalPattern(String pattern) {
        this.yPattern = pattern;
        return this;
    }

    /** Whether any series has a point to draw. */
    public boolean hasPoints() {
        return series.stream().anyMatch(s -> s.x().length > 0);
    }

    public void writePng(Path out, int width, int height) throws IOException {
        if (!hasPoints()) {
            throw new IllegalStateException(title + ": no points to plot");
        }
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendVisible(series.stream().filter(s -> s.x().length > 0).count() > 1);
        if (xFromZero) {
            chart.getStyler().setXAxisMin(0.0);
        }
        if (yFromZero) {
            chart.getStyler().setYAxisMin(0.0);
        }
        if (yMax != null) {
            chart.getStyler().setYAxisMax(yMax);
        }
        if (yPattern != null) {
            chart.getStyler().setYAxisDecimalPattern(yPattern);
        }
        for (Series s : series) {
            if (s.x().length == 0) {
                continue;
            }
            XYSeries xy = chart.addSeries(s.name(), s.x(), s.y());
            switch (s.style()) {
                case LINE_AND_MARKERS -> xy.setMarker(SeriesMarkers.CIRCLE);
                case LINE -> xy.setMarker(SeriesMarkers.NONE);
                case THIN_LINE -> {
                    xy.setMarker(SeriesMarkers.NONE);
                    xy.setLineWidth(1f);
                }
                case AREA -> {
                    xy.setMarker(SeriesMarkers.NONE);
                    xy.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
                    xy.setLineWidth(1f);
                }
            }
            if (s.color() != null) {
                xy.setLineColor(s.color());
                xy.setMarkerColor(s.color());
                xy.setFillColor(s.color());
            }
        }
        Png.write(BitmapEncoder.getBufferedImage(chart), out);
    }
}
