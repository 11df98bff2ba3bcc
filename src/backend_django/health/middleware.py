from health.views import health


class HealthCheckMiddleware:
    """Answer /health/ before host validation, SSL redirect and the rest.

    Probes reach the container by IP (127.0.0.1, a pod or container address),
    which ALLOWED_HOSTS rightly rejects for real traffic. Must come first in
    MIDDLEWARE.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/health/":
            return health(request)
        return self.get_response(request)
