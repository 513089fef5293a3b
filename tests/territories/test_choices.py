"""Choice labels are translated once per list, and say the same as get_FOO_display."""

from django.utils import translation

from funding.models import Contribution
from territories.choices import choice_labels, with_labels


class Row:
    def __init__(self, status):
        self.status = status


def test_with_labels_gives_each_row_its_label_in_the_current_language():
    rows = with_labels([Row("verse"), Row("demande"), Row("inconnu")], "status",
                       Contribution.Status.choices)
    assert [row.status_label for row in rows] == [
        str(Contribution.Status("verse").label), str(Contribution.Status("demande").label),
        "inconnu"]
    with translation.override("en"):
        assert choice_labels(Contribution.Status.choices) == {
            value: str(label) for value, label in Contribution.Status.choices}
