"""The HTTP service (FastAPI): routes, request and response models, keys and pages. Not built yet."""
