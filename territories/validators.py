from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# La Poste's establishments share the SIREN 356 000 000: their SIRET fails the Luhn
# check, and INSEE validates them by the sum of their digits being a multiple of 5.
LA_POSTE_SIREN = "356000000"


def luhn_is_valid(digits):
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siret_is_valid(siret):
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_SIREN + "00048":
        return sum(int(char) for char in siret) % 5 == 0
    return luhn_is_valid(siret)


def normalize_siret(value):
    """Drop the spaces, dots and dashes people type inside a SIRET."""
    return "".join(char for char in (value or "") if char not in " .-\u00a0\u202f")


def validate_siret(value):
    if not value:
        return
    if len(value) != 14 or not value.isdigit():
        raise ValidationError(
            _("Un SIRET compte exactement 14 chiffres (reçu : « %(value)s »)."),
            code="siret_format", params={"value": value},
        )
    if not siret_is_valid(value):
        raise ValidationError(
            _("Le SIRET %(value)s n'est pas valide (clé de contrôle incorrecte)."),
            code="siret_checksum", params={"value": value},
        )
