"""The app's routers: the JSON API (articles, claims, works, tokens) and the pages."""
