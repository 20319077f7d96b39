"""A very small HTTP router for Lambda proxy events."""

__all__ = ["Router"]


class Router:
    def __init__(self):
        self._routes = {}

    def _add(self, method, path):
        def register(fn):
            self._routes[(method, path)] = fn
            return fn

        return register

    def get(self, path):
        return self._add("GET", path)

    def post(self, path):
        return self._add("POST", path)

    def dispatch(self, method, path, event):
        fn = self._routes.get((method.upper(), path))
        if fn is None:
            return 404, {"error": f"no route for {method} {path}"}
        return fn(event)
