"""Nightly export: the catalog as JSON lines, as a script entry point (it runs as __main__)."""

import io
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from shop.catalog import make_catalog  # noqa: E402


def export(products, out):
    for product in products:
        out.write(json.dumps({"sku": product.sku, "name": product.name, "price": product.price_cents / 100}))
        out.write("\n")


if __name__ == "__main__":
    buffer = io.StringIO()
    export(make_catalog(size=1500), buffer)
    print(f"exported {buffer.getvalue().count(chr(10))} products")
