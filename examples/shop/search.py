"""Full-text product search over an inverted index."""

import re
from collections import defaultdict

TOKEN = re.compile(r"[a-z0-9]+")


def tokenize(text):
    return TOKEN.findall(text.lower())


class SearchIndex:
    def __init__(self, products):
        self.products = {p.sku: p for p in products}
        self.postings = defaultdict(set)
        for product in products:
            for token in tokenize(product.name) + list(product.tags) + [product.category]:
                self.postings[token].add(product.sku)

    def search(self, query, limit=20):
        tokens = tokenize(query)
        if not tokens:
            return []
        matches = set.intersection(*(self.postings.get(t, set()) for t in tokens))
        ranked = sorted(matches, key=lambda sku: (self.products[sku].price_cents, sku))
        return [self.products[sku] for sku in ranked[:limit]]
