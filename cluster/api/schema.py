"""The OpenAPI schema as a generated client needs it: every error status, ASCII names.

`AutoSchema` adds to each operation the errors it can answer, computed from the view:

- 400 for a body or a query string (invalid data, filter or JSON), with `errors` per field;
- 401 everywhere: a missing token where one is needed, an invalid or expired one anywhere;
- 403 for every write (permission, CSRF of a session) — reads declare theirs themselves;
- 404 for a detail route or a page of a list beyond the last;
- 409 for every write (`edit_conflict`, `protected` deletion, a transition refused);
- 413 and 415 for a body (too large, or not JSON);
- 429 for throttled views.

DRF's `?format=` is not documented: no operation answers differently with it.

An operation's own `responses` (in `extend_schema`) win over these and keep their
examples; every error body is the one `Error` (or `ValidationError`) component, in JSON
even when the operation's success is a file.
"""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from rest_framework import serializers

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
JSON = "application/json"


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("Le message, dans la langue de la requête, à "
                                               "montrer tel quel."))
    code = serializers.CharField(help_text=_("Un code stable, pour les programmes : "
                                             "« not_found », « edit_conflict »…"))


class ValidationErrorSerializer(ErrorSerializer):
    # Only a refusal of the data sent lists errors per field; a malformed JSON does not.
    optional_in_response = ("errors",)

    errors = serializers.DictField(
        child=serializers.JSONField(), required=False,
        help_text=_("Les erreurs par champ : une liste de messages, ou un objet pour un "
                    "champ composé ; `non_field_errors` pour celles de l'ensemble."))


DESCRIPTIONS = {
    "400": _("Données, filtres ou JSON invalides ; rien n'est enregistré."),
    "401": _("Jeton absent, invalide ou expiré : en-tête « Authorization: Token <jeton> »."),
    "403": _("Action non permise à cette personne (ou jeton CSRF absent d'une session)."),
    "404": _("Introuvable, ou invisible pour cette personne."),
    "409": _("Conflit avec l'état actuel : modification concurrente (« edit_conflict »), "
             "suppression bloquée (« protected »), changement d'état refusé."),
    "413": _("Corps de la requête trop volumineux."),
    "415": _("Corps de la requête dans un autre format que JSON."),
    "429": _("Trop de requêtes : réessayez plus tard (en-tête « Retry-After »)."),
}


class AutoSchema(openapi.AutoSchema):
    def get_operation_id(self):
        # `export\.csv` would give `…export.csv_retrieve`, not a Python name.
        return re.sub(r"[^A-Za-z0-9_]+", "_", super().get_operation_id())

    def _get_format_parameters(self):
        # DRF's `?format=` picks a renderer; an operation's answer is JSON or its file,
        # whatever the client asks, so the parameter is left out of the contract.
        return []

    def _map_basic_serializer(self, serializer, direction):
        """Mark every field of a response required: DRF writes them all, even those a
        client may leave out when it sends the object (`null` or `""` when empty)."""
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and schema.get("properties"):
            optional = getattr(serializer, "optional_in_response", ())
            schema["required"] = [name for name in schema["properties"]
                                  if name not in optional]
        return schema

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._error_codes(operation):
            responses.setdefault(code, {"description": str(DESCRIPTIONS[code])})
        for code, response in responses.items():
            if code >= "400":
                self._json_error(code, response)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_codes(self, operation):
        """Return the error statuses the view can answer, as the docstring lists them."""
        has_body = "requestBody" in operation
        has_query = any(parameter["in"] == "query"
                        for parameter in operation.get("parameters", []))
        codes = ["401"]
        if has_body or has_query:
            codes.append("400")
        if self.method in WRITE_METHODS:
            codes += ["403", "409"]
        if "{" in self.path or self._is_paginated_list():
            codes.append("404")
        if has_body:
            codes += ["413", "415"]
        if self.view.get_throttles():
            codes.append("429")
        return codes

    def _is_paginated_list(self):
        return (self.method == "GET" and self._is_list_view()
                and self._get_paginator() is not None)

    def _json_error(self, code, response):
        """Give an error response the one error schema, in JSON only, keeping examples."""
        component = ValidationErrorSerializer if code == "400" else ErrorSerializer
        examples = {}
        for media in response.get("content", {}).values():
            examples.update(media.get("examples", {}))
        media = {"schema": self.resolve_serializer(component, "response").ref}
        if examples:
            media["examples"] = examples
        response["content"] = {JSON: media}
        if not response.get("description"):
            response["description"] = str(DESCRIPTIONS.get(code, ""))


def postprocess_parameter_enums(result, generator, request, public):
    """Point a query parameter's choices to their named enum; drop the French titles.

    A generated client names an inline enum after its title (`État`, so a non-ASCII
    module); the same choices as a component enum become a reference to it.
    """
    schemas = result.get("components", {}).get("schemas", {})
    enums = {tuple(sorted(map(str, schema["enum"]))): name
             for name, schema in schemas.items() if "enum" in schema
             and schema.get("type") == "string"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                schema.pop("title", None)
                items = schema.get("items", schema)
                items.pop("title", None)
                name = enums.get(tuple(sorted(map(str, items.get("enum", [])))))
                if name and items is schema:
                    parameter["schema"] = {"$ref": f"#/components/schemas/{name}"}
                elif name:
                    schema["items"] = {"$ref": f"#/components/schemas/{name}"}
    return result
