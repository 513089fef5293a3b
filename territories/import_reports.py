"""What an actor import says, line by line: before writing (preview) and after (report).

Messages are kept as their French msgid and parameters (`Note`), so a report stored
in the database reads in the language of whoever opens it.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# Lines detailed in a stored report: every line with a remark, and the first plain ones.
DETAILED_NOTED_LINES = 5000
DETAILED_PLAIN_LINES = 1000


class Note:
    """A remark on one line: a French msgid marked with gettext_noop and its parameters."""

    def __init__(self, text, **params):
        self.text, self.params = text, params

    def __str__(self):
        return _(self.text) % self.params if self.params else _(self.text)

    def __repr__(self):
        return f"Note({str(self)!r})"

    def __eq__(self, other):
        return str(self) == str(other)

    __hash__ = None

    def as_data(self):
        return {"text": self.text, "params": self.params}

    @classmethod
    def render(cls, data):
        """Return the text of a note stored as data (or as text, in reports made before)."""
        return data if isinstance(data, str) else str(cls(data["text"], **data["params"]))


@dataclass
class RowResult:
    CREATE, UPDATE, UNCHANGED, REJECT, SKIP = "create", "update", "unchanged", "reject", "skip"

    line: int
    name: str = ""
    action: str = ""
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    values: dict = field(default_factory=dict)
    given: set = field(default_factory=set)  # fields the file fills, written on an update
    themes: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    outside: bool = False  # the commune lies outside the territory's perimeter
    actor: object = None

    def as_data(self):
        return {"line": self.line, "name": self.name, "action": self.action,
                "outside": self.outside,
                "errors": [note.as_data() for note in self.errors],
                "warnings": [note.as_data() for note in self.warnings]}


ACTIONS = (RowResult.CREATE, RowResult.UPDATE, RowResult.UNCHANGED, RowResult.REJECT,
           RowResult.SKIP)


@dataclass
class ImportPreview:
    """Every line of a file and what it does (or, once written, did)."""

    columns: list
    rows: list
    written: bool = False

    def count(self, action):
        """Count the rows that do (did) `action`; before writing, the rows outside the
        perimeter are counted apart, as the facilitator has not chosen yet."""
        return sum(1 for row in self.rows if row.action == action
                   and (self.written or not row.outside))

    @property
    def rejected(self):
        return [row for row in self.rows if row.action == RowResult.REJECT]

    def summary(self):
        counts = {action: self.count(action) for action in ACTIONS}
        counts["warned"] = sum(1 for row in self.rows if row.warnings)
        counts["outside"] = sum(1 for row in self.rows if row.outside)
        return counts

    def report(self):
        """Return the preview (or the report, once written) as plain data, to keep or show."""
        noted = [row for row in self.rows if row.errors or row.warnings or row.outside]
        plain = [row for row in self.rows if not (row.errors or row.warnings or row.outside)]
        detailed = noted[:DETAILED_NOTED_LINES] + plain[:DETAILED_PLAIN_LINES]
        return {
            "stage": "done" if self.written else "preview",
            "summary": self.summary(),
            "columns": self.columns,
            "lines": [row.as_data() for row in sorted(detailed, key=lambda row: row.line)],
            "lines_left_off": len(self.rows) - len(detailed),
        }


ACTION_LABELS = {
    "preview": {
        RowResult.CREATE: gettext_noop("à créer"),
        RowResult.UPDATE: gettext_noop("à mettre à jour"),
        RowResult.UNCHANGED: gettext_noop("inchangé"),
        RowResult.REJECT: gettext_noop("rejetée"),
    },
    "done": {
        RowResult.CREATE: gettext_noop("créé"),
        RowResult.UPDATE: gettext_noop("mis à jour"),
        RowResult.UNCHANGED: gettext_noop("inchangé"),
        RowResult.REJECT: gettext_noop("rejetée"),
        RowResult.SKIP: gettext_noop("non importé (hors du périmètre)"),
    },
}


def report_lines(report):
    """Return the detailed lines of a stored report, ready to show: line, name, action,
    remarks in the reader's language."""
    labels = ACTION_LABELS[report.get("stage", "preview")]
    if "lines" not in report:  # a report stored before lines were detailed
        return [{"line": row["line"], "name": row["name"], "action": RowResult.REJECT,
                 "action_label": _(labels[RowResult.REJECT]), "outside": False,
                 "errors": row["errors"], "warnings": []}
                for row in report.get("rejected", [])]
    return [{**row, "action_label": _(labels.get(row["action"], row["action"])),
             "errors": [Note.render(note) for note in row["errors"]],
             "warnings": [Note.render(note) for note in row["warnings"]]}
            for row in report["lines"]]


def summary_sentences(report):
    """Return the sentences that sum a report up: future before writing, past after."""
    counts = {"skip": 0, "warned": 0, "outside": 0, **report["summary"]}
    if report.get("stage") == "done":
        sentences = [_("%(create)s acteur(s) créé(s), %(update)s mis à jour, %(unchanged)s "
                       "inchangé(s), %(reject)s ligne(s) rejetée(s).") % counts]
        if counts["skip"]:
            sentences.append(_("%(skip)s acteur(s) hors du périmètre non importé(s).") % counts)
        elif counts["outside"]:
            sentences.append(_("%(outside)s acteur(s) hors du périmètre importé(s) à votre "
                               "demande.") % counts)
    else:
        sentences = [_("%(create)s acteur(s) à créer, %(update)s à mettre à jour, "
                       "%(unchanged)s inchangé(s), %(reject)s ligne(s) rejetée(s).") % counts]
        if counts["outside"]:
            sentences.append(_("%(outside)s acteur(s) hors du périmètre du territoire : "
                               "importé(s) seulement si vous le demandez.") % counts)
    if counts["warned"]:
        sentences.append(_("%(warned)s ligne(s) avec avertissement.") % counts)
    return sentences


def format_report(report, *, every_line=False):
    """Return the report as the lines printed by the command: the summary, then each line
    with a remark (every detailed line with `every_line`)."""
    lines = summary_sentences(report)
    for row in report_lines(report):
        notes = row["errors"] + row["warnings"]
        if notes or every_line:
            text = _("Ligne %(line)s (%(name)s) : %(action)s") % {
                "line": row["line"], "name": row["name"] or "—", "action": row["action_label"]}
            lines.append(" — ".join([text, *notes]))
    if report.get("lines_left_off"):
        lines.append(_("%(count)s autre(s) ligne(s) non détaillée(s) ici.")
                     % {"count": report["lines_left_off"]})
    return lines
