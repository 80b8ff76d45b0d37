"""Cart pricing: line discounts, category promotions, shipping and tax."""

from dataclasses import dataclass

PROMOTIONS = {"books": 0.05, "toys": 0.10}


@dataclass
class PriceRules:
    tax_rate: float = 0.2
    bulk_quantity: int = 3
    bulk_discount: float = 0.08
    free_shipping_cents: int = 5_000
    shipping_per_kg_cents: int = 120


@dataclass
class Quote:
    subtotal_cents: int
    discount_cents: int
    shipping_cents: int
    tax_cents: int

    @property
    def total_cents(self):
        return self.subtotal_cents - self.discount_cents + self.shipping_cents + self.tax_cents


class PriceCalculator:
    def __init__(self, rules=None):
        self.rules = rules or PriceRules()

    def line_discount(self, product, quantity):
        rate = PROMOTIONS.get(product.category, 0.0)
        if quantity >= self.rules.bulk_quantity:
            rate += self.rules.bulk_discount
        return round(product.price_cents * quantity * rate)

    def shipping(self, subtotal_cents, weight_grams):
        if subtotal_cents >= self.rules.free_shipping_cents:
            return 0
        return self.rules.shipping_per_kg_cents * -(-weight_grams // 1000)

    def quote(self, cart):
        subtotal = discount = weight = 0
        for product, quantity in cart:
            subtotal += product.price_cents * quantity
            discount += self.line_discount(product, quantity)
            weight += product.weight_grams * quantity
        shipping = self.shipping(subtotal - discount, weight)
        tax = round((subtotal - discount + shipping) * self.rules.tax_rate)
        return Quote(subtotal, discount, shipping, tax)
