"""Python programs the engine runs inside the image and the container (stdlib plus the app).

Each prints one JSON object as its last line.
"""

# In the image, as root with no network: the settings, /health/ with the database down,
# and core.settings.prod refusing to start without each required variable.
IMAGE = r"""
import json, os, subprocess, sys

workdir = os.getcwd()
base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
down = dict(base, DATABASE_URL="postgres://probe:probe@127.0.0.1:9/probe")
facts = {"settings_modules": sorted(
    name[:-3] for name in os.listdir(os.path.join(workdir, "core", "settings"))
    if name.endswith(".py") and name != "__init__.py"
)}
SETTINGS = '''
import json, django
from django.conf import settings
django.setup()
from django.test import Client
response = Client().get("/health/", HTTP_HOST="127.0.0.1")
print(json.dumps({
    "STATIC_ROOT": str(settings.STATIC_ROOT),
    "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    "LOG_FILES": sorted({
        str(h.get("filename")) for h in settings.LOGGING.get("handlers", {}).values() if h.get("filename")
    }),
    "health": {"status": response.status_code, "body": response.content.decode()},
}))
'''
def start(code, env):
    return subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=workdir
    )
def finish(process):
    out, err = process.communicate(timeout=120)
    return {"code": process.returncode, "stdout": out[-4000:], "stderr": err[-4000:]}
# Three Django start-ups, side by side: each is a separate interpreter anyway.
settings_run = start(SETTINGS, down)
prod_runs = {}
for missing in ("SECRET_KEY", "DATABASE_URL"):
    env = dict(base, DJANGO_SETTINGS_MODULE="core.settings.prod", SECRET_KEY="probe-secret", DATABASE_URL="postgres://probe:probe@127.0.0.1:9/probe")
    del env[missing]
    prod_runs[missing] = start("import django; django.setup()", env)
result = finish(settings_run)
facts["database_down"] = json.loads(result["stdout"].strip().splitlines()[-1]) if result["code"] == 0 else result
facts["prod_without"] = {missing: finish(process) for missing, process in prod_runs.items()}
print(json.dumps(facts))
"""

# In the running container, as its own user: migrations applied, static files collected.
CONTAINER = r"""
import json, os, subprocess, sys

def run(args):
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120)
    return {"code": out.returncode, "stdout": out.stdout[-4000:], "stderr": out.stderr[-4000:]}

COUNT = (
    "import os, django; from django.conf import settings; django.setup(); "
    "print(sum(len(f) for _, _, f in os.walk(settings.STATIC_ROOT)))"
)
counted = run(["-c", COUNT])
print(json.dumps({
    "migrations_pending": run(["manage.py", "migrate", "--check", "--noinput"]),
    "static_files": int(counted["stdout"].split()[-1]) if counted["code"] == 0 else counted,
}))
"""
