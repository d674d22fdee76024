"""pandera schemas of the canonical tables, and the input-format profiles (formats/)."""
