import pytest
from django.core.exceptions import ValidationError

from territories.validators import normalize_siret, siret_is_valid, validate_siret


def make_siret(first13):
    """Return the Luhn-valid SIRET starting with these 13 digits."""
    for last in "0123456789":
        if siret_is_valid(first13 + last):
            return first13 + last
    raise AssertionError(first13)


@pytest.mark.parametrize("siret", ["73282932000074", "44306184100047", "35600000000048"])
def test_real_sirets_are_valid(siret):
    validate_siret(siret)


def test_la_poste_establishments_follow_their_own_rule():
    assert siret_is_valid("35600000049837")  # digits sum to a multiple of 5, Luhn fails
    assert not siret_is_valid("35600000049838")


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("7328293200007", "exactement 14 chiffres"),
        ("7328293200007A", "exactement 14 chiffres"),
        ("73282932000075", "clé de contrôle incorrecte"),
    ],
)
def test_bad_sirets_are_refused_in_french(siret, message):
    with pytest.raises(ValidationError, match=message):
        validate_siret(siret)


def test_people_type_spaces_and_dots():
    assert normalize_siret("732 829 320 00074") == "73282932000074"
    assert normalize_siret("732.829.320.00074") == "73282932000074"
    assert make_siret("1234567890123") == "12345678901237"
