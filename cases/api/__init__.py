"""The bank REST API v1 (DESIGN §7): serializers and views; routes in cases/api_urls.py."""
