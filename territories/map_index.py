"""A territory's map in memory, read once per state of its items: new views without SQL.

A new view of a city on a territory of 20,000 points grouped 2,500 points in SQL and read
its single points in a second query, at every move of the map. The items a person sees
on a territory's map are read instead in one query, once per state of the territory's
items (`territories.map_cache`: the triggers' `MapVersion`), as the view's second query
reads them, in its order (layer, name, id). Each process keeps the latest ones, bounded
by their number of rows (`MAX_ROWS`).

The points are counted by cell of the grid at zoom `GRID_ZOOM`. A view whose cells are
that grid's, or 2, 4, 8… of its cells a side (every view up to that zoom, unless its box
is huge for its zoom), takes the grid's cells that lie inside its box, with a cell to
spare, and adds the points along its border one by one, compared with the box as the
database compares them (the floats of the decimal columns). Whole cells of the view are
exactly the sums of their grid cells: the cells are powers of two of each other, and
dividing a float by a power of two is exact. So a view draws exactly what grouping the
tables draws (tests/territories/test_map_index.py).
"""

import math
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict

from territories.map_clusters import CELLS_PER_TILE, _Cell, _details, add_group

GRID_ZOOM = 14
GRID_CELL = 360 / 2 ** GRID_ZOOM / CELLS_PER_TILE

# The indexes one process keeps: about 400 bytes a row (measured at 20,000), under 50 MB
# in all. A territory with more rows than that is grouped from the tables (its first
# `MAX_ROWS` + 1 rows are read once per state, to know it).
MAX_ROWS = 120_000
MAX_KEPT = 64


class MapIndex:
    """The rows of `map_clusters._details` for every item of the sources that a map can
    draw, in their order, and:

    - their points sorted by cell of the finest grid: columns `xs`, `ys` (the cell),
      `lats`, `lons` and `ranks` (the row); the cells' columns `column_xs` and where each
      column starts (`starts`);
    - `grid`: per layer, its points counted by cell: columns (xs, ys, counts, sums of
      latitudes, sums of longitudes, smallest ids) in the order of (x, y); and
      `grid_columns`, per layer, its columns' x and where each starts;
    - `commune_groups`: per layer and commune, the items without a point;
    - `rank_of`: the row of each id, by layer key.
    """

    def __init__(self, rows):
        # The same few texts on every row (layer, kind, slug) kept once, not once a row.
        same = {}
        self.rows = rows = [
            (same.setdefault(key, key), order, pk, name, same.setdefault(kind, kind),
             same.setdefault(slug, slug), latitude, longitude, commune)
            for key, order, pk, name, kind, slug, latitude, longitude, commune in rows]
        floor = math.floor
        located = sorted(  # by cell, then in the rows' order: by layer in each cell
            (floor(row[7] / GRID_CELL), floor(row[6] / GRID_CELL), rank)
            for rank, row in enumerate(rows) if row[6] is not None and row[7] is not None)
        self.xs, self.ys, self.ranks = (array("q", [point[column] for point in located])
                                        for column in range(3))
        self.lats = array("d", [rows[rank][6] for rank in self.ranks])
        self.lons = array("d", [rows[rank][7] for rank in self.ranks])
        self.column_xs, self.starts = _columns(self.xs)
        self.grid = self._count_by_cell()
        self.grid_columns = {key: _columns(columns[0]) for key, columns in self.grid.items()}
        self.rank_of = {key: {row[2]: rank for rank, row in enumerate(rows) if row[0] == key}
                        for key in {row[0] for row in rows}}
        at_communes = {}
        for rank, row in enumerate(rows):
            if (row[6] is None or row[7] is None) and row[8] is not None:
                at_communes.setdefault((row[0], row[8]), []).append(rank)
        self.commune_groups = [
            (key, commune, len(ranks), min(rows[rank][2] for rank in ranks), ranks)
            for (key, commune), ranks in at_communes.items()]

    def _count_by_cell(self):
        """The grid: each layer's points of a cell follow each other (sorted by cell, then
        by row, and the rows by layer)."""
        grid = {}
        rows, run, last = self.rows, None, None
        for x, y, rank, latitude, longitude in zip(self.xs, self.ys, self.ranks, self.lats,
                                                   self.lons, strict=True):
            key, pk = rows[rank][0], rows[rank][2]
            if (x, y, key) != last:
                last = (x, y, key)
                columns = grid.setdefault(key, (array("q"), array("q"), array("q"),
                                                array("d"), array("d"), array("q")))
                run = len(columns[0])
                for column, value in zip(columns, (x, y, 1, latitude, longitude, pk),
                                         strict=True):
                    column.append(value)
                continue
            columns = grid[key]
            columns[2][run] += 1
            columns[3][run] += latitude
            columns[4][run] += longitude
            if pk < columns[5][run]:
                columns[5][run] = pk
        return grid

    def _positions_in_box(self, view, inside=None):
        """The positions of the points in the view's box, without those in the grid's
        cells `inside` (x0, y0, x1, y1) when given."""
        west, south, east, north = view.bbox
        # A point in the box is in these cells: dividing by the cell keeps the order.
        low_x, high_x = math.floor(west / GRID_CELL), math.floor(east / GRID_CELL)
        low_y, high_y = math.floor(south / GRID_CELL), math.floor(north / GRID_CELL)
        ys, lats, lons = self.ys, self.lats, self.lons
        first = bisect_left(self.column_xs, low_x)
        last = bisect_right(self.column_xs, high_x)
        for column in range(first, last):
            start, end = self.starts[column], self.starts[column + 1]
            spans = [(low_y, high_y)]
            if inside is not None and inside[0] <= self.column_xs[column] <= inside[2]:
                spans = [(low_y, inside[1] - 1), (inside[3] + 1, high_y)]
            for low, high in spans:
                for position in range(bisect_left(ys, low, start, end),
                                      bisect_right(ys, high, start, end)):
                    if west <= lons[position] <= east and south <= lats[position] <= north:
                        yield position

    def cells(self, view, communes):
        """The view's cells (`map_clusters._Cell`), as `map_clusters._groups` gives them;
        `communes` is given, by layer, those whose town hall holds items in the view."""
        sums = {}  # (layer key, cell of the view): [count, latitudes, longitudes, first id]
        steps = grid_steps(view)
        inside = grid_inside(view) if steps is not None else None
        if inside is not None:
            self._add_grid(sums, inside, steps)
        cell, rows, ranks = view.cell, self.rows, self.ranks
        floor = math.floor
        for position in self._positions_in_box(view, inside):
            key, _order, pk, _name, _kind, _slug, latitude, longitude, _commune = rows[
                ranks[position]]
            _add(sums, (key, (floor(longitude / cell), floor(latitude / cell))), 1, latitude,
                 longitude, pk)
        cells = {}
        for (key, place), (count, latitude, longitude, first) in sums.items():
            cells.setdefault(place, _Cell()).add(key, count, latitude, longitude, first,
                                                 approximate=False)
        for key, commune, count, first, _ranks in self.commune_groups:
            add_group(cells, communes, view, key, None, None, commune, count, None, None,
                      first)
        return cells

    def _add_grid(self, sums, inside, steps):
        """Add the grid's cells `inside` (x0, y0, x1, y1) to the view's cells, which are
        2 ** `steps` of them a side."""
        x0, y0, x1, y1 = inside
        for key, (_xs, ys, counts, lats, lons, firsts) in self.grid.items():
            column_xs, starts = self.grid_columns[key]
            for column in range(bisect_left(column_xs, x0), bisect_right(column_xs, x1)):
                start, end = starts[column], starts[column + 1]
                x = column_xs[column] >> steps
                for position in range(bisect_left(ys, y0, start, end),
                                      bisect_right(ys, y1, start, end)):
                    _add(sums, (key, (x, ys[position] >> steps)), counts[position],
                         lats[position], lons[position], firsts[position])

    def rows_in(self, view, communes):
        """The rows of the items drawn in the view, in their order: with a point in its
        box, or at one of the `communes` (by layer)."""
        ranks = [self.ranks[position] for position in self._positions_in_box(view)]
        for key, commune, _count, _first, group in self.commune_groups:
            if commune in communes.get(key, ()):
                ranks += group
        return [self.rows[rank] for rank in sorted(ranks)]

    def rows_of(self, ids):
        """The rows of the items `ids` ({layer key: ids}), in their order."""
        return [self.rows[rank] for rank in sorted(
            self.rank_of[key][pk] for key, pks in ids.items() for pk in pks)]


def _columns(xs):
    """The distinct values of the sorted `xs` and where each starts (one more: the end)."""
    starts = array("q", [position for position in range(len(xs))
                         if position == 0 or xs[position] != xs[position - 1]])
    column_xs = array("q", [xs[start] for start in starts])
    starts.append(len(xs))
    return column_xs, starts


def _add(sums, key, count, latitude, longitude, first):
    summed = sums.get(key)
    if summed is None:
        sums[key] = [count, latitude, longitude, first]
    else:
        summed[0] += count
        summed[1] += latitude
        summed[2] += longitude
        if first < summed[3]:
            summed[3] = first


def grid_steps(view):
    """How many times a cell of the view halves into the finest grid's (0: the same
    cells), or None when the view's cells are not made of the grid's."""
    steps = round(math.log2(view.cell / GRID_CELL))
    return steps if steps >= 0 and GRID_CELL * 2 ** steps == view.cell else None


def grid_inside(view):
    """The finest grid's cells surely in the view's box, a cell to spare on each side:
    (x0, y0, x1, y1) inclusive, or None when there are none."""
    west, south, east, north = view.bbox
    x0, x1 = math.floor(west / GRID_CELL) + 2, math.floor(east / GRID_CELL) - 2
    y0, y1 = math.floor(south / GRID_CELL) + 2, math.floor(north / GRID_CELL) - 2
    return (x0, y0, x1, y1) if x0 <= x1 and y0 <= y1 else None


def build_map_index(sources):
    """Read the sources' items in one query: their index, or None past `MAX_ROWS` (the
    territory's views are then grouped from the tables)."""
    rows = _details([(layer, queryset) for layer, queryset in sources], limit=MAX_ROWS + 1)
    return MapIndex(rows) if len(rows) <= MAX_ROWS else None


_MISSING = object()
_kept = OrderedDict()
_lock = threading.Lock()


def kept_map_index(key, build):
    """The index kept in this process under `key` (what the items depend on, their state
    included), else `build()`, kept; the least recently used are let go past `MAX_ROWS`
    rows or `MAX_KEPT` indexes."""
    with _lock:
        index = _kept.get(key, _MISSING)
        if index is not _MISSING:
            _kept.move_to_end(key)
            return index
    index = build()
    with _lock:
        _kept[key] = index
        while len(_kept) > MAX_KEPT or sum(
                len(kept.rows) for kept in _kept.values() if kept is not None) > MAX_ROWS:
            _kept.popitem(last=False)
    return index


def forget_map_indexes():
    """Let go of every kept index (tests)."""
    with _lock:
        _kept.clear()
