"""Built-in renderers of tiered: each turns the placement plan into files, as data."""
