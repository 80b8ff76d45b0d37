"""Products and a deterministic catalog to measure against."""

import random
from dataclasses import dataclass, field

CATEGORIES = ("books", "garden", "kitchen", "music", "outdoor", "toys")
WORDS = (
    "amber", "bamboo", "canvas", "copper", "cotton", "crystal", "denim", "ember", "falcon", "granite",
    "harbor", "indigo", "juniper", "lantern", "maple", "meadow", "nickel", "orchid", "pepper", "quartz",
    "river", "saffron", "timber", "velvet", "willow", "walnut", "yarrow", "zephyr",
)


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    category: str
    price_cents: int
    weight_grams: int
    tags: tuple = field(default_factory=tuple)


def make_catalog(size=2000, seed=7):
    """The same catalog on every run: benchmarks must measure code, not data."""
    rng = random.Random(seed)
    products = []
    for i in range(size):
        name = " ".join(rng.choice(WORDS) for _ in range(3)).title()
        products.append(
            Product(
                sku=f"SKU-{i:05d}",
                name=name,
                category=rng.choice(CATEGORIES),
                price_cents=rng.randrange(199, 25_000),
                weight_grams=rng.randrange(50, 5_000),
                tags=tuple(sorted(rng.sample(WORDS, 3))),
            )
        )
    return products


def make_carts(products, count=400, seed=11):
    rng = random.Random(seed)
    return [
        [(rng.choice(products), rng.randrange(1, 5)) for _ in range(rng.randrange(1, 12))]
        for _ in range(count)
    ]
