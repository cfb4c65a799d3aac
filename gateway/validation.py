"""connexion validators whose 400 problems name the offending field in ``errors``, as the services' do."""
from __future__ import annotations

import re

from connexion.exceptions import ProblemException
from connexion.json_schema import format_error_with_path
from connexion.validators import VALIDATOR_MAP, FormDataValidator, JSONRequestBodyValidator, ParameterValidator
from jsonschema import ValidationError

QUOTED = re.compile(r"'([^']+)'")


def field_of(error: ValidationError) -> list[str]:
    if error.path:
        return [".".join(str(p) for p in error.path)]
    if error.validator in ("required", "additionalProperties"):
        names = QUOTED.findall(error.message)
        if error.validator == "additionalProperties" and "(" in error.message:
            names = QUOTED.findall(error.message[error.message.index("("):])
        return names or ["body"]
    return ["body"]


def bad_request(detail: str, fields: list[str], message: str) -> ProblemException:
    return ProblemException(status=400, title="Bad Request", detail=detail,
                            ext={"errors": {field: [message] for field in fields}})


LONG_ENUM = 12
JSON_NULL = object()  # a body of JSON ``null``: sent, unlike no body, so it is checked against the schema


def message_of(error: ValidationError) -> str:
    """jsonschema's message, without reciting an enum of hundreds (the IANA timezones)."""
    if error.validator == "enum" and len(error.validator_value) > LONG_ENUM:
        return f"{error.instance!r} is not one of the {len(error.validator_value)} values this field accepts"
    return error.message


class FieldNamingBodyValidator(JSONRequestBodyValidator):
    def _validate(self, body):
        if body is None:
            if self._required and not self._nullable:
                raise bad_request("the request body must not be empty", ["body"], "Missing data.")
            return None
        try:
            return self._validator.validate(None if body is JSON_NULL else body)
        except ValidationError as exc:
            message = message_of(exc)
            raise bad_request(f"{message}{format_error_with_path(exception=exc)}", field_of(exc), message)

    async def _parse(self, stream, scope):
        try:
            body = await super()._parse(stream, scope)
        except ProblemException as exc:
            raise bad_request(f"the request body is not valid JSON: {exc.detail}", ["body"], "Invalid JSON.")
        except UnicodeDecodeError as exc:
            raise bad_request(f"the request body is not UTF-8: {exc.reason}", ["body"], "Invalid UTF-8.")
        return JSON_NULL if body is None and self._sent else body

    async def wrap_receive(self, receive, *, scope):
        # connexion reads an empty body and ``null`` alike (None); only the first is "no body"
        self._sent = bool(int(dict(scope.get("headers") or []).get(b"content-length", b"0") or 0))
        return await super().wrap_receive(receive, scope=scope)


class FieldNamingParameterValidator(ParameterValidator):
    @staticmethod
    def validate_parameter(parameter_type, value, param, param_name=None):
        error = ParameterValidator.validate_parameter(parameter_type, value, param, param_name)
        if error:
            name = param_name or param.get("name")
            raise bad_request(f"{name}: {error.splitlines()[0]}", [name], error.splitlines()[0])
        return None

    def validate_request(self, request):
        """A query parameter the operation does not list is refused, each named (the policy the
        document states): a typo'd filter is an error, not a listing that silently ignores it."""
        if self.strict_validation:
            extra = sorted(self.validate_query_parameter_list(request, security_params=self.security_query_params))
            if extra:
                listed = ", ".join(p["name"] for p in self.parameters.get("query", [])) or "none"
                raise bad_request(f"unknown query parameter(s) {', '.join(extra)}; this operation accepts: {listed}",
                                  extra, "not a parameter of this operation")
        return super().validate_request(request)

    def validate(self, scope):
        try:
            return super().validate(scope)
        except ProblemException as exc:
            if getattr(exc, "ext", None):
                raise
            extra = QUOTED.findall(exc.detail or "") or ["query"]
            raise bad_request(exc.detail, extra, exc.detail)


class LenientFormValidator(FormDataValidator):
    """Form bodies (only the public one-click link pages take one) are checked against their schema,
    but fields the schema does not name are let through: the token in the path is the credential, the
    form is a confirmation, and mail clients' RFC 8058 POSTs are not ours to be strict about."""

    def _validate_params_strictly(self, data: dict) -> None:
        return None


VALIDATORS = {
    **VALIDATOR_MAP,
    "parameter": FieldNamingParameterValidator,
    "body": type(VALIDATOR_MAP["body"])({**VALIDATOR_MAP["body"], "*/*json": FieldNamingBodyValidator,
                                         "application/x-www-form-urlencoded": LenientFormValidator}),
}
