"""Sales reports: aggregate quotes per category and render a text table."""

from collections import Counter


def category_revenue(carts, calculator):
    revenue = Counter()
    for cart in carts:
        quote = calculator.quote(cart)
        share = quote.total_cents / max(1, sum(q for _, q in cart))
        for product, quantity in cart:
            revenue[product.category] += share * quantity
    return revenue


def render_table(revenue):
    width = max(len(c) for c in revenue)
    lines = [f"{'category'.ljust(width)}  {'revenue':>12}"]
    for category, cents in sorted(revenue.items(), key=lambda kv: -kv[1]):
        lines.append(f"{category.ljust(width)}  {cents / 100:>12,.2f}")
    return "\n".join(lines)
