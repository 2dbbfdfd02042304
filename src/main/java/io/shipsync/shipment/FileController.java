package io.shipsync.shipment;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.shipsync.admin.ApiProblem;
import io.shipsync.admin.Paging;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The shipment files shipsync received, and how far each got. */
@RestController
@RequestMapping("/api/files")
@Tag(name = "Files")
class FileController {

    private final FileQueries queries;

    FileController(FileQueries queries) {
        this.queries = queries;
    }

    @GetMapping
    @Operation(summary = "Lists received files, newest first, each with its rows by outcome and its report")
    Paging<FileView> list(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        return queries.list(page, size);
    }

    @GetMapping("/{id}")
    @Operation(summary = "One received file with its rows by outcome, progress and report")
    FileView show(@PathVariable long id) {
        return queries.find(id).orElseThrow(() -> ApiProblem.notFound("There is no file " + id + "."));
    }

    @GetMapping(path = "/{id}/report", produces = "text/csv")
    @Operation(summary = "The file's result report, as a CSV download",
            description = "404 until every row has its outcome and the report is written.")
    ResponseEntity<Resource> report(@PathVariable long id) {
        Path report = queries.reportOf(id)
            .filter(Files::isReadable)
            .orElseThrow(() -> ApiProblem.notFound(queries.find(id).isEmpty() ? "There is no file " + id + "."
                    : "File " + id + " has no report yet: it is written once every row has its outcome."));
        return ResponseEntity.ok()
            .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
            .header(HttpHeaders.CONTENT_DISPOSITION,
                    ContentDisposition.attachment().filename(report.getFileName().toString()).build().toString())
            .body(new FileSystemResource(report));
    }

}
