"""The bundled sample newsroom: a WordPress-shaped site generated in memory, with its truth."""
