"""Choice labels translated once per request, not once per row.

`get_FOO_display()` translates its lazy label on every call: for a list of rows it is the
same few words translated again and again. Pages and serializers build the labels once.
"""


def choice_labels(choices):
    """Return {value: label} for `choices` ((value, lazy label) pairs), translated now."""
    return {value: str(label) for value, label in choices}


def with_labels(rows, field, choices):
    """Give each row a `<field>_label`, the label of its value (the value when unknown),
    translating the labels once; return the rows as a list."""
    labels, rows = choice_labels(choices), list(rows)
    for row in rows:
        value = getattr(row, field)
        setattr(row, f"{field}_label", labels.get(value, value))
    return rows
