package org.descent.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The text of {@code report.html}: one self-contained page (inline CSS, no scripts, images by
 * relative file name) with the summary, the plots, a table of the epochs, the resolved
 * configuration and the environment. Every piece of text from the run is HTML-escaped.
 *
 * @param runName the run directory's name, for the title
 * @param summary {@code summary.json}, or null when the run wrote none
 * @param metrics the metrics, for the epoch table
 * @param plots the plots written, in display order
 * @param config {@code config.conf} as text, or null when absent
 * @param environment label to value: Spark, BLAS, Java, operating system, cores
 * @param generatedAt when the report was written, as displayed
 */
public record HtmlReport(String runName, JsonNode summary, RunMetrics metrics, List<RunPlots.Plot> plots, String config,
                         Map<String, String> environment, String generatedAt) {
    private static final String CSS = """
            body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1000px;
                   padding: 0 1em; color: #222; line-height: 1.4; }
            h1 { font-size: 1.6em; margin-bottom: 0.2em; }
            h2 { font-size: 1.25em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 1.8em; }
            .meta { color: #666; font-size: 0.9em; }
            nav a { margin-right: 1em; }
            table { border-collapse: collapse; font-size: 0.92em; }
            th, td { padding: 0.25em 0.8em; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
            table.epochs td, table.epochs th { text-align: right; }
            table.kv th { font-weight: 600; white-space: nowrap; color: #444; }
            tr.best td { background: #fff6d5; font-weight: 600; }
            code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
            pre { background: #f6f8fa; border: 1px solid #e1e4e8; padding: 0.8em; overflow-x: auto; }
            figure { margin: 1.2em 0; }
            figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
            figcaption { color: #555; font-size: 0.9em; }
            """;

    /** The whole page. */
    public String render() {
        StringBuilder h = new StringBuilder(16_384);
        String name = Html.escape(runName);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Descent run ").append(name).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>Descent run <code>").append(name).append("</code></h1>\n");
        h.append("<p class=\"meta\">Report written ").append(Html.escape(generatedAt)).append(" from ")
                .append("<a href=\"metrics.jsonl\">metrics.jsonl</a>")
                .append(summary != null ? ", <a href=\"summary.json\">summary.json</a>" : "")
                .append(config != null ? ", <a href=\"config.conf\">config.conf</a>" : "").append(".</p>\n");
        h.append("<nav><a href=\"#summary\">Summary</a><a href=\"#plots\">Plots</a><a href=\"#epochs\">Epochs</a>")
                .append("<a href=\"#configuration\">Configuration</a><a href=\"#environment\">Environment</a></nav>\n");
        summarySection(h);
        plotsSection(h);
        epochsSection(h);
        h.append("<section id=\"configuration\">\n<h2>Configuration</h2>\n");
        if (config == null) {
            h.append("<p>No <code>config.conf</code> in the run directory.</p>\n");
        } else {
            h.append("<pre>").append(Html.escape(config)).append("</pre>\n");
        }
        h.append("</section>\n");
        h.append("<section id=\"environment\">\n<h2>Environment</h2>\n")
                .append("<p class=\"meta\">Spark version and BLAS as recorded in <code>summary.json</code> (else those of the process that "
                        + "wrote this report); Java, operating system, cores and heap of the process that wrote this report.</p>\n");
        keyValueTable(h, environment.entrySet().stream().map(e -> new SummaryRows.Row(e.getKey(), e.getValue(), false)).toList());
        h.append("</section>\n</body>\n</html>\n");
        return h.toString();
    }

    private void summarySection(StringBuilder h) {
        h.append("<section id=\"summary\">\n<h2>Summary</h2>\n");
        if (summary == null) {
            h.append("<p>No <code>summary.json</code> in the run directory: the run has not finished, or failed.</p>\n");
        } else {
            keyValueTable(h, SummaryRows.of(summary));
        }
        h.append("</section>\n");
    }

    private void plotsSection(StringBuilder h) {
        h.append("<section id=\"plots\">\n<h2>Plots</h2>\n");
        if (plots.isEmpty()) {
            h.append("<p>Nothing to plot: <code>metrics.jsonl</code> has no steps or epochs.</p>\n");
        }
        for (RunPlots.Plot p : plots) {
            String file = Html.escape(p.file());
            h.append("<figure><a href=\"").append(file).append("\"><img src=\"").append(file).append("\" alt=\"").append(file)
                    .append("\" width=\"").append(RunPlots.WIDTH).append("\" height=\"").append(RunPlots.HEIGHT).append("\"></a>")
                    .append("<figcaption>").append(Html.escape(p.caption())).append("</figcaption></figure>\n");
        }
        h.append("</section>\n");
    }

    private record Column(String title, ToDoubleFunction<RunMetrics.Epoch> value, String format) {
    }

    private void epochsSection(StringBuilder h) {
        h.append("<section id=\"epochs\">\n<h2>Epochs</h2>\n");
        if (metrics.epochs().isEmpty()) {
            h.append("<p>No epoch finished.</p>\n</section>\n");
            return;
        }
        List<Column> columns = new ArrayList<>();
        for (Column c : List.of(
                new Column("steps", RunMetrics.Epoch::steps, "%.0f"),
                new Column("train loss", RunMetrics.Epoch::trainLoss, "%.4f"),
                new Column("train accuracy", RunMetrics.Epoch::trainAccuracy, "%.4f"),
                new Column("validation loss", RunMetrics.Epoch::validationLoss, "%.4f"),
                new Column("validation accuracy", RunMetrics.Epoch::validationAccuracy, "%.4f"),
                new Column("test loss", RunMetrics.Epoch::testLoss, "%.4f"),
                new Column("test accuracy", RunMetrics.Epoch::testAccuracy, "%.4f"),
                new Column("seconds", RunMetrics.Epoch::seconds, "%.1f"))) {
            if (metrics.anyEpoch(c.value())) {
                columns.add(c);
            }
        }
        int best = bestEpoch();
        h.append("<table class=\"epochs\">\n<thead><tr><th>epoch</th>");
        columns.forEach(c -> h.append("<th>").append(Html.escape(c.title())).append("</th>"));
        h.append("</tr></thead>\n<tbody>\n");
        for (RunMetrics.Epoch e : metrics.epochs()) {
            boolean isBest = e.epoch() + 1 == best;
            h.append(isBest ? "<tr class=\"best\" title=\"best epoch\">" : "<tr>").append("<td>").append(e.epoch() + 1).append("</td>");
            for (Column c : columns) {
                double v = c.value().applyAsDouble(e);
                h.append("<td>").append(Double.isFinite(v) ? String.format(Locale.ROOT, c.format(), v) : "–").append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n");
        if (best >= 1) {
            h.append("<p class=\"meta\">Epochs are numbered from 1; the highlighted row is the best epoch, whose parameters were kept.</p>\n");
        } else {
            h.append("<p class=\"meta\">Epochs are numbered from 1.</p>\n");
        }
        h.append("</section>\n");
    }

    /** summary.json's {@code bestEpoch} (from 1), or 0. */
    private int bestEpoch() {
        if (summary == null) {
            return 0;
        }
        try {
            double b = Json.number(summary, "bestEpoch");
            return Double.isFinite(b) ? (int) b : 0;
        } catch (Json.NotANumber e) {
            return 0;
        }
    }

    private static void keyValueTable(StringBuilder h, List<SummaryRows.Row> rows) {
        h.append("<table class=\"kv\">\n");
        for (SummaryRows.Row r : rows) {
            String value = Html.escape(r.value());
            h.append("<tr><th>").append(Html.escape(r.label())).append("</th><td>")
                    .append(r.code() ? "<code>" + value + "</code>" : value).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }
}
