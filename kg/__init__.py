"""kg: build knowledge graphs of corporate deals."""
