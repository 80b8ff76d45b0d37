"""A small shop backend: a catalog, cart pricing, search and reports. bytescope's example project."""
