package io.shipsync.shipment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

import io.shipsync.ShipsyncProperties;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes {@code <data-dir>/reports/<file-stem>.result.csv} once every row of a shipment file reached its outcome:
 * one line per data row, {@code line,order_id,status,outcome,detail}.
 */
@Component("resultReports")
public class ResultReports {

    private static final Logger log = LoggerFactory.getLogger(ResultReports.class);
    private static final CSVFormat REPORT = CSVFormat.RFC4180.builder()
            .setHeader("line", "order_id", "status", "outcome", "detail")
            .setRecordSeparator("\n")
            .get();
    private static final String ROWS_OF_FILE = """
            SELECT source_line AS line, CAST(order_id AS VARCHAR(36)) AS order_id, target_status AS status,
                   CASE state WHEN 'DEAD' THEN 'dead-letter' ELSE LOWER(state) END AS outcome, detail
            FROM status_update WHERE source_file_id = ?
            UNION ALL
            SELECT line, order_id, status, outcome, detail FROM skipped_row WHERE file_id = ?
            ORDER BY line""";

    private final IngestedFiles files;
    private final JdbcTemplate jdbc;
    private final ShipsyncProperties paths;

    public ResultReports(IngestedFiles files, JdbcTemplate jdbc, ShipsyncProperties paths) {
        this.files = files;
        this.jdbc = jdbc;
        this.paths = paths;
    }

    /** Writes the report of every file that is complete and not reported yet; returns how many were written. */
    public int writeDue() throws IOException {
        int written = 0;
        for (IngestedFile file : files.awaitingReport()) {
            write(file);
            written++;
        }
        return written;
    }

    private void write(IngestedFile file) throws IOException {
        Path report = paths.reportsDir().resolve(stem(file.fileName()) + ".result.csv");
        Files.createDirectories(report.getParent());
        Path partial = report.resolveSibling(report.getFileName() + ".tmp");
        IngestedFile original = file.duplicateOf() == null ? file : files.get(file.duplicateOf());
        var outcomes = new TreeMap<String, Integer>();
        try (Writer out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8);
                CSVPrinter printer = new CSVPrinter(out, REPORT)) {
            jdbc.query(ROWS_OF_FILE, rs -> {
                String outcome = rs.getString("outcome");
                String detail = rs.getString("detail");
                if (original != file) {
                    detail = "Duplicate file: identical to " + original.fileName() + " received " + original.receivedAt()
                            + "; not sent again. Result then: " + outcome + (detail == null ? "" : " - " + detail);
                    outcome = "unchanged";
                }
                outcomes.merge(outcome, 1, Integer::sum);
                try {
                    printer.printRecord(rs.getLong("line"), rs.getString("order_id"), rs.getString("status"), outcome,
                            detail);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, original.id(), original.id());
        }
        // the team may have the report open: replace it whole, never show it half-written
        Files.move(partial, report, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        files.markReported(file.id(), report.toString());
        log.info("Result of {}: {} rows - {}. Report: {}", file.fileName(), total(outcomes), summary(outcomes), report);
    }

    private static String stem(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    private static int total(Map<String, Integer> outcomes) {
        return outcomes.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static String summary(Map<String, Integer> outcomes) {
        var parts = new StringBuilder();
        for (String outcome : new String[] {"applied", "unchanged", "rejected", "dead-letter"}) {
            if (!parts.isEmpty()) {
                parts.append(", ");
            }
            parts.append(outcomes.getOrDefault(outcome, 0)).append(' ').append(outcome);
        }
        return parts.toString();
    }
}
