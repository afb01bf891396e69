package io.github.bootkernel.bench.report;

import io.github.bootkernel.bench.Row;
import io.github.bootkernel.bench.boot.Monitor;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.OptionalDouble;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

/**
 * Draws the time-to-init chart from the run's rows: grouped bars, one group per kernel, one bar per
 * monitor, each the median in seconds with its value written on it. JFreeChart lays the chart out;
 * JFreeSVG turns its drawing into SVG.
 */
public final class TimeToInitChart {

    /** The picture's size in pixels. */
    static final int WIDTH = 900;
    static final int HEIGHT = 480;

    private TimeToInitChart() {
    }

    /**
     * @param rows  the run's rows; the 1-vCPU time-to-init medians are drawn
     * @param title the chart's title
     * @return the SVG document
     * @throws IllegalArgumentException when the rows hold no time-to-init median
     */
    public static String svg(List<Row> rows, String title) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (String kernel : Targets.kernels(rows)) {
            for (Monitor m : Monitor.values()) {
                OptionalDouble median = Targets.median(rows, m, kernel);
                if (median.isPresent()) {
                    data.addValue(median.getAsDouble(), m.label(), kernel);
                }
            }
        }
        if (data.getRowCount() == 0) {
            throw new IllegalArgumentException("no time-to-init rows to draw");
        }
        JFreeChart chart = ChartFactory.createBarChart(title, "kernel", "seconds from start to /init's line (median)",
                data, PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}",
                new DecimalFormat("0.00")));
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        Color[] colors = {new Color(0x4e79a7), new Color(0xa0cbe8), new Color(0xf28e2b), new Color(0x59a14f)};
        for (int i = 0; i < data.getRowCount(); i++) {
            renderer.setSeriesPaint(i, colors[Monitor.ofLabel((String) data.getRowKey(i)).ordinal()]);
        }
        SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(g2, new Rectangle(0, 0, WIDTH, HEIGHT));
        return g2.getSVGDocument();
    }

    /**
     * Writes {@link #svg} to a file.
     *
     * @param rows  the run's rows
     * @param title the chart's title
     * @param file  the SVG file, overwritten
     * @throws IOException if it cannot be written
     */
    public static void write(List<Row> rows, String title, Path file) throws IOException {
        Files.writeString(file, svg(rows, title), StandardCharsets.UTF_8);
    }
}
