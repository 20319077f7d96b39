"""An orders API behind API Gateway: route, validate, price, answer JSON."""
import json
import importlib.metadata

from moneyfmt import format_money
from shapecheck import Schema, ValidationError
from tinyroute import Router

router = Router()

ORDER = Schema({"sku": str, "quantity": int, "unit_price_cents": int})


@router.get("/health")
def health(_event):
    versions = {name: importlib.metadata.version(name) for name in ("tinyroute", "shapecheck", "moneyfmt")}
    return 200, {"ok": True, "dependencies": versions}


@router.post("/orders")
def create_order(event):
    try:
        order = ORDER.validate(json.loads(event.get("body") or "{}"))
    except (ValidationError, json.JSONDecodeError) as error:
        return 400, {"error": str(error)}
    total = order["quantity"] * order["unit_price_cents"]
    return 201, {"sku": order["sku"], "total": format_money(total, "EUR")}


def handler(event, context):
    status, body = router.dispatch(event.get("httpMethod", "GET"), event.get("path", "/"), event)
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}
