package io.shipsync.admin;

import java.util.List;
import java.util.function.Function;

/**
 * A page of a list the admin API answers: bounded, so no call reads a whole table.
 *
 * @param page the page asked for, from 0
 * @param size at most this many items a page
 * @param total how many items match in all
 */
public record Paging<T>(List<T> items, int page, int size, long total) {

    public static final int LARGEST_PAGE = 200;

    /** Where a page starts, after checking the caller's page and size. */
    public static long offset(int page, int size) {
        if (page < 0) {
            throw ApiProblem.badRequest("page must be 0 or more");
        }
        if (size < 1 || size > LARGEST_PAGE) {
            throw ApiProblem.badRequest("size must be between 1 and " + LARGEST_PAGE);
        }
        return (long) page * size;
    }

    public <R> Paging<R> map(Function<T, R> mapper) {
        return new Paging<>(items.stream().map(mapper).toList(), page, size, total);
    }

}
