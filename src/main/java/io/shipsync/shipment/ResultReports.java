package io.shipsync.shipment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.shipsync.ShipsyncProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes {@code <data-dir>/reports/<time>-<n>-<file-stem>.result.csv} once every row of a
 * shipment file reached its outcome, named like the file's archive copy: one line per
 * data row, {@code line,order_id,status,outcome,detail}.
 */
@Component("resultReports")
public class ResultReports {

    private static final Logger log = LoggerFactory.getLogger(ResultReports.class);

    private static final String ROWS_OF_FILE = """
            SELECT source_line AS line, CAST(order_id AS VARCHAR(36)) AS order_id, target_status AS status,
                   CASE state WHEN 'DEAD' THEN 'dead-letter' ELSE LOWER(state) END AS outcome, detail
            FROM status_update WHERE source_file_id = ?
            UNION ALL
            SELECT line, order_id, status, outcome, detail FROM skipped_row WHERE file_id = ?
            ORDER BY line""";

    private static final String CHECKED_ROWS_OF_FILE = """
            SELECT line, order_id, status, outcome, detail FROM checked_row WHERE file_id = ? ORDER BY line""";

    /** The outcomes a summary counts, in its order. */
    private static final List<String> OUTCOMES = List.of("applied", "unchanged", "rejected", "dead-letter");

    private static final List<String> WOULD_BE_OUTCOMES = List.of(WouldBe.WOULD_APPLY, WouldBe.UNCHANGED,
            WouldBe.REJECTED);

    /**
     * The outcome column of a dry run's last line, whose detail says when the file's
     * updates would be through.
     */
    static final String ETA = "eta";

    private final IngestedFiles files;

    private final JdbcTemplate jdbc;

    private final ShipsyncProperties paths;

    private final CheckEta eta;

    public ResultReports(IngestedFiles files, JdbcTemplate jdbc, ShipsyncProperties paths, CheckEta eta) {
        this.files = files;
        this.jdbc = jdbc;
        this.paths = paths;
        this.eta = eta;
    }

    /**
     * Writes the report of every file that is complete and not reported yet; returns how
     * many were written. A report that cannot be written is tried again on the next run,
     * and does not hold up the others.
     */
    public int writeDue() {
        int written = 0;
        for (IngestedFile file : files.awaitingReport()) {
            try {
                write(file);
                written++;
            }
            catch (IOException | UncheckedIOException e) {
                // one line per attempt: the cause (a folder not writable, a full disk)
                // says it all, a stack trace
                // every few seconds would bury it
                Throwable cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
                log.warn("Result report of {} not written, trying again on the next run: {}", file.fileName(),
                        cause.toString());
            }
        }
        return written;
    }

    /**
     * Named like the file's archive copy, so the report of another file of the same name
     * never replaces it; a dry run's ({@code x.check.csv}) ends in
     * {@code .check.result.csv}.
     */
    private Path reportPath(IngestedFile file) {
        return paths.reportsDir().resolve(ReceivedFileName.of(file).unique(stem(file.fileName()) + ".result.csv"));
    }

    private void write(IngestedFile file) throws IOException {
        Path report = reportPath(file);
        Files.createDirectories(report.getParent());
        Path partial = report.resolveSibling(report.getFileName() + ".tmp");
        Map<String, Integer> outcomes;
        String eta = file.dryRun() ? CheckEta.describe(this.eta.of(file.id())) : null;
        try {
            outcomes = writeRows(file, partial, eta);
            // the team may have the report open: it appears whole, never half-written; it
            // replaces only a report
            // written before a crash kept it from being recorded
            Files.move(partial, report, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        finally {
            Files.deleteIfExists(partial);
        }
        files.markReported(file.id(), report.toString());
        if (file.dryRun()) {
            log.info("Dry run of {}: {} rows - {}. {} Report: {}", file.fileName(), total(outcomes),
                    summary(outcomes, WOULD_BE_OUTCOMES), eta, report);
        }
        else {
            log.info("Result of {}: {} rows - {}. Report: {}", file.fileName(), total(outcomes),
                    summary(outcomes, OUTCOMES), report);
        }
    }

    /**
     * @param eta a dry run's ETA, written as its last line; null for a real file
     */
    private Map<String, Integer> writeRows(IngestedFile file, Path partial, String eta) throws IOException {
        IngestedFile original = file.duplicateOf() == null ? file : files.get(file.duplicateOf());
        var outcomes = new TreeMap<String, Integer>();
        try (Writer out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
            ReportCsv.printRow(out, "line", "order_id", "status", "outcome", "detail");
            jdbc.query(file.dryRun() ? CHECKED_ROWS_OF_FILE : ROWS_OF_FILE, rs -> {
                String outcome = rs.getString("outcome");
                String detail = rs.getString("detail");
                if (original != file) {
                    detail = "Duplicate file: identical to " + original.fileName() + " received "
                            + original.receivedAt() + "; not sent again. Result then: " + outcome
                            + (detail == null ? "" : " - " + detail);
                    outcome = "unchanged";
                }
                outcomes.merge(outcome, 1, Integer::sum);
                try {
                    ReportCsv.printRow(out, rs.getLong("line"), rs.getString("order_id"), rs.getString("status"),
                            outcome, detail);
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, file.dryRun() ? new Object[] { file.id() } : new Object[] { original.id(), original.id() });
            if (eta != null) {
                // the report's one shape, so a spreadsheet sorts and filters it as any
                // other: the ETA in the
                // detail of a last line without a line number
                ReportCsv.printRow(out, null, null, null, ETA, eta);
            }
        }
        return outcomes;
    }

    private static String stem(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    private static int total(Map<String, Integer> outcomes) {
        return outcomes.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static String summary(Map<String, Integer> outcomes, List<String> counted) {
        var parts = new StringBuilder();
        for (String outcome : counted) {
            if (!parts.isEmpty()) {
                parts.append(", ");
            }
            parts.append(outcomes.getOrDefault(outcome, 0)).append(' ').append(outcome);
        }
        return parts.toString();
    }

}
