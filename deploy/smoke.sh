#!/usr/bin/env bash
# Smoke test of a deployment, on this machine, without docker: docs/deploy.md "One machine without docker",
# followed step by step. Creates its own PostgreSQL database (giamngheo_ops_smoke), runs migrate,
# collectstatic and compilemessages, starts gunicorn with deploy/gunicorn.conf.py and one job worker (RQ on
# Redis), checks /healthz and /readyz, signs in, starts a job from a page and waits until it is done, then
# stops everything and drops ONLY its database (and its own Redis keys).
#
#   bash deploy/smoke.sh          (from the checkout; PostgreSQL and Redis on 127.0.0.1)
#
# Environment: SMOKE_PG (default postgres://postgres@127.0.0.1:5432), SMOKE_REDIS (redis://127.0.0.1:6379/0),
# SMOKE_PORT (a free port), PYTHON (.venv/bin/python). Exit code 0 when every step passed.
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
BIN=$(dirname "$PYTHON")
PG=${SMOKE_PG:-postgres://postgres@127.0.0.1:5432}
DB=giamngheo_ops_smoke
PORT=${SMOKE_PORT:-$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
BASE=http://127.0.0.1:$PORT
WORK=$(mktemp -d /tmp/giamngheo-smoke.XXXXXX)
START=$(date +%s)
WEB_PID="" WORKER_PID=""

step() { printf '[smoke %3ss] %s\n' "$(($(date +%s) - START))" "$*"; }
fail() { printf '[smoke] FAILED: %s\n' "$*" >&2; exit 1; }

cleanup() {
    local rc=$?
    [ -n "$WEB_PID" ] && kill -TERM "$WEB_PID" 2>/dev/null && wait "$WEB_PID" 2>/dev/null || true
    [ -n "$WORKER_PID" ] && kill -TERM "$WORKER_PID" 2>/dev/null && wait "$WORKER_PID" 2>/dev/null || true
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
    "$PYTHON" - <<'EOF' 2>/dev/null || true
import os, redis
r = redis.Redis.from_url(os.environ.get("SMOKE_REDIS", "redis://127.0.0.1:6379/0"))
keys = list(r.scan_iter("*gn_ops_smoke*"))
if keys:
    r.delete(*keys)
EOF
    if [ "$rc" -ne 0 ]; then
        echo "--- web log (last lines) ---" >&2; tail -n 30 "$WORK/web.log" 2>/dev/null >&2 || true
        echo "--- worker log (last lines) ---" >&2; tail -n 30 "$WORK/worker.log" 2>/dev/null >&2 || true
    fi
    rm -rf "$WORK"
    step "stopped, database $DB dropped"
    exit "$rc"
}
trap cleanup EXIT INT TERM

# The production environment of deploy/env.example, on 127.0.0.1 over plain http.
export DJANGO_SETTINGS_MODULE=config.settings.production
export SECRET_KEY_FILE=$WORK/secret_key
"$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))' > "$SECRET_KEY_FILE"
export DATABASE_URL=$PG/$DB
export REDIS_URL=${SMOKE_REDIS:-redis://127.0.0.1:6379/0} REDIS_KEY_PREFIX=gn_ops_smoke JOBS_QUEUE=gn_ops_smoke
export TASKS_BACKEND=redis
export ALLOWED_HOSTS=127.0.0.1,localhost CSRF_TRUSTED_ORIGINS=$BASE
export BEHIND_HTTPS_PROXY=false SECURE_COOKIES=false DEBUG=false LOG_FORMAT=json
export MEDIA_ROOT=$WORK/media STATIC_ROOT=$WORK/static BACKUP_DIR=$WORK/backups
export GUNICORN_BIND=127.0.0.1:$PORT WEB_CONCURRENCY=2 GUNICORN_THREADS=2

step "database $DB"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
psql "$PG/postgres" -qc "CREATE DATABASE $DB" >/dev/null

step "migrate"
"$PYTHON" manage.py migrate --noinput -v0
step "collectstatic"
"$PYTHON" manage.py collectstatic --noinput -v0
step "compilemessages"
"$PYTHON" manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules
"$PYTHON" manage.py check --deploy --fail-level ERROR >/dev/null 2>&1  # plain http here: the https warnings are expected

step "a user to sign in with"
PASSWORD=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(16) + "aA1!")')
SMOKE_PASSWORD=$PASSWORD "$PYTHON" manage.py shell -v0 -c "
import os
from giamngheo.accounts.models import User
User.objects.create_superuser('smoke', password=os.environ['SMOKE_PASSWORD'])"

step "gunicorn (deploy/gunicorn.conf.py) on $BASE and one worker"
"$BIN/gunicorn" -c deploy/gunicorn.conf.py >"$WORK/web.log" 2>&1 &
WEB_PID=$!
"$PYTHON" manage.py jobs_worker >"$WORK/worker.log" 2>&1 &
WORKER_PID=$!
for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
    kill -0 "$WEB_PID" 2>/dev/null || fail "gunicorn exited"
    sleep 0.3
done

step "GET /healthz"
curl -fsS "$BASE/healthz" | grep -q '"status": "ok"' || fail "/healthz"
step "GET /readyz"
READY=$(curl -sS -w '\n%{http_code}' "$BASE/readyz")
echo "$READY" | tail -n1 | grep -qx 200 || fail "/readyz: $READY"
echo "$READY" | grep -q '"redis": {"ok": true' || fail "/readyz has no redis check: $READY"
curl -sS -D - -o /dev/null "$BASE/healthz" | grep -qi '^x-request-id: ' || fail "no X-Request-ID"
grep -q '"logger": "giamngheo.request"' "$WORK/web.log" && fail "a successful probe was logged"

step "sign in"
JAR=$WORK/cookies
curl -fsS -c "$JAR" -o /dev/null "$BASE/accounts/login/"
CSRF=$(awk '$6 == "csrftoken" {print $7}' "$JAR")
[ -n "$CSRF" ] || fail "no CSRF cookie"
STATUS=$(curl -sS -b "$JAR" -c "$JAR" -o /dev/null -w '%{http_code} %{redirect_url}' \
    -H "Referer: $BASE/accounts/login/" \
    --data-urlencode "csrfmiddlewaretoken=$CSRF" --data-urlencode "username=smoke" \
    --data-urlencode "password=$PASSWORD" "$BASE/accounts/login/")
case "$STATUS" in 302*) ;; *) fail "sign-in answered $STATUS" ;; esac
curl -fsS -b "$JAR" -o /dev/null "$BASE/" || fail "the home page after signing in"

step "start a job (policy coverage recount) and wait until it is done"
CSRF=$(awk '$6 == "csrftoken" {print $7}' "$JAR")
YEAR=$(date +%Y)
STATUS=$(curl -sS -b "$JAR" -c "$JAR" -o /dev/null -w '%{http_code}' -H "Referer: $BASE/policies/coverage/" \
    --data-urlencode "csrfmiddlewaretoken=$CSRF" --data-urlencode "year=$YEAR" "$BASE/policies/coverage/rebuild/")
[ "$STATUS" = 302 ] || fail "starting the job answered $STATUS"
JOB=""
for _ in $(seq 1 200); do
    read -r JOB JOB_STATUS < <(psql "$DATABASE_URL" -tAF ' ' -c "SELECT id, status FROM jobs_job ORDER BY id DESC LIMIT 1") || true
    [ "${JOB_STATUS:-}" = succeeded ] && break
    [ "${JOB_STATUS:-}" = failed ] && fail "job $JOB failed"
    sleep 0.3
done
[ "${JOB_STATUS:-}" = succeeded ] || fail "job ${JOB:-?} is ${JOB_STATUS:-missing} after 60 s"
curl -fsS -b "$JAR" -o /dev/null "$BASE/jobs/$JOB/" || fail "the job's page"
grep -q "gn_ops_smoke" "$WORK/worker.log" || fail "the worker did not take the job from its queue"

step "every step passed"
