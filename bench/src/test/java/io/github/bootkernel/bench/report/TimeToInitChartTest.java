package io.github.bootkernel.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class TimeToInitChartTest {

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void theChartIsAnSvgDocumentWithTheMonitorsKernelsAndMedians(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("chart.svg");
        TimeToInitChart.write(Fixtures.rows(), "Time to /init", file);
        byte[] bytes = Files.readAllBytes(file);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        // the document names SVG 1.1's DTD; a well-formedness check needs no download of it
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document svg = factory.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
        assertThat(svg.getDocumentElement().getLocalName()).isEqualTo("svg");
        assertThat(Double.parseDouble(svg.getDocumentElement().getAttribute("width"))).isEqualTo(900);
        NodeList texts = svg.getElementsByTagNameNS("*", "text");
        List<String> words = new ArrayList<>();
        for (int i = 0; i < texts.getLength(); i++) {
            words.add(texts.item(i).getTextContent());
        }
        assertThat(words).contains("Time to /init", "debian-cloud", "tiny", "QEMU -M pc", "QEMU -M microvm",
                "bootkernel CLI", "bootkernel warm JVM", "1.00", "0.20", "0.40");
        // one bar per median: 4 on debian-cloud, 2 on tiny
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("<rect");
    }

    @Test
    void rowsWithoutTimeToInitAreRefused() {
        assertThatThrownBy(() -> TimeToInitChart.svg(List.of(), "t")).hasMessage("no time-to-init rows to draw");
    }
}
