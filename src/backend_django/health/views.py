from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def one_line(exc):
    # Driver errors span lines (psycopg adds hints); keep JSON and logs greppable.
    return " ".join(str(exc).split())


@never_cache
@require_safe
def health(request):
    """Report whether the default database answers SELECT 1."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        body, status = {"status": "error", "database": "unavailable", "reason": one_line(exc)}, 503
    else:
        body, status = {"status": "ok", "database": "ok"}, 200
    response = JsonResponse(body, status=status)
    if request.method == "HEAD":
        # Probes like `wget --spider` send HEAD; gunicorn warns about HEAD bodies.
        response.content = b""
    return response
