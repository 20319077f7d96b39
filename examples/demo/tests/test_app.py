import json

import app


def test_health():
    assert app.handler({"httpMethod": "GET", "path": "/health"}, None)["statusCode"] == 200


def test_order():
    event = {"httpMethod": "POST", "path": "/orders", "body": json.dumps({"sku": "A", "quantity": 2, "unit_price_cents": 150})}
    assert json.loads(app.handler(event, None)["body"])["total"] == "€3.00"
