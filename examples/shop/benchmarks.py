"""Entry points bytescope measures: each is called with no arguments and does one realistic unit of work."""

from shop.catalog import make_carts, make_catalog
from shop.pricing import PriceCalculator
from shop.reports import category_revenue, render_table
from shop.search import SearchIndex

# Built at import time: the harness reports imports separately, so the entry points time only the work.
CATALOG = make_catalog()
CARTS = make_carts(CATALOG)
INDEX = SearchIndex(CATALOG)
QUERIES = ("amber canvas", "garden willow", "copper", "velvet toys", "river maple", "kitchen", "zephyr quartz")


def price_carts():
    calculator = PriceCalculator()
    return sum(calculator.quote(cart).total_cents for cart in CARTS)


def search_catalog():
    return sum(len(INDEX.search(q)) for q in QUERIES * 20)


def build_index():
    return len(SearchIndex(CATALOG).postings)


def sales_report():
    return render_table(category_revenue(CARTS, PriceCalculator()))
