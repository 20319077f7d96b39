"""Checks that a dict has the keys and types a schema names."""


class ValidationError(ValueError):
    pass


class Schema:
    def __init__(self, fields):
        self.fields = dict(fields)

    def validate(self, data):
        if not isinstance(data, dict):
            raise ValidationError("expected a JSON object")
        missing = [k for k in self.fields if k not in data]
        if missing:
            raise ValidationError("missing: " + ", ".join(missing))
        for key, kind in self.fields.items():
            if not isinstance(data[key], kind):
                raise ValidationError(f"{key} must be {kind.__name__}")
        return {k: data[k] for k in self.fields}
