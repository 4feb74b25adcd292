#!/usr/bin/env bash
# `make deploy-test`: build the image, bring up docker-compose.yml's stack, run the job through the
# webserver, check the marts and the answer in the stack's PostgreSQL, tear everything down.
#
# The engine: the user's, if `docker info` answers (then docker-compose.yml as users run it, with
# the registry's postgres image); otherwise, on Debian as root, a private one that this script
# starts and stops (docker/local-engine.sh), with a base image made by debootstrap
# (docker/base-image.sh) and docker/compose.local-engine.yml on top. Either way
# docker/compose.deploy-test.yml points the stack at the bundled API mirror, never the live APIs.
# The stack's containers, network and volumes (and a private engine with all its state) are
# removed on every exit, failed or not.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-$PWD/.venv/bin}
CACHE=.local/deploy                    # git-ignored: the base image's tarball survives reruns
BASE_TAG=spacex-base:bookworm
# The webserver as the stack's containers see it (docker-compose.yml: its command's port).
WEBSERVER_URL=http://dagster-webserver:3000
project=spacex-deploy-test

start=$SECONDS
elapsed() { echo "deploy-test: $1 ($((SECONDS - start)) s)"; }

state=$(mktemp -d /tmp/spacex-deploy.XXXXXX)
files=(-f docker-compose.yml -f docker/compose.deploy-test.yml)
private_engine=false
stack_up=false
wheelhouse_pid=

compose() {
	if docker compose version > /dev/null 2>&1; then
		docker compose --env-file "$state/env" -p "$project" "${files[@]}" "$@"
	else
		docker-compose --env-file "$state/env" -p "$project" "${files[@]}" "$@"
	fi
}

cleanup() {
	rc=$?
	set +e
	[ -n "$wheelhouse_pid" ] && kill -- "-$wheelhouse_pid" 2> /dev/null  # its own process group
	if $stack_up; then
		if [ "$rc" != 0 ]; then
			compose ps
			compose logs --no-color --tail=60
		fi
		compose down --volumes --remove-orphans --timeout 20 > /dev/null 2>&1
	fi
	$private_engine && docker/local-engine.sh stop "$state/engine"
	rm -rf "$state"
	elapsed "cleaned up (exit $rc)"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The wheelhouse (downloads from PyPI) while the engine and the base image (Debian's mirror) are
# prepared; `make image` below finds it built.
setsid make wheelhouse > "$state/wheelhouse.log" 2>&1 &
wheelhouse_pid=$!

if docker info > /dev/null 2>&1; then
	echo "deploy-test: using the running Docker engine"
	base_image=${BASE_IMAGE:-python:3.11-slim}
else
	echo "deploy-test: no Docker engine answers: starting a private one"
	private_engine=true
	docker/local-engine.sh start "$state/engine"
	export DOCKER_HOST="unix://$state/engine/docker.sock"
	elapsed "engine ready"
	docker/base-image.sh "$BASE_TAG" "$CACHE"
	base_image=$BASE_TAG
	files+=(-f docker/compose.local-engine.yml)
	elapsed "base image ready"
fi

wait "$wheelhouse_pid" || { tail -30 "$state/wheelhouse.log" >&2; exit 1; }
wheelhouse_pid=
elapsed "wheelhouse ready"
make image BASE_IMAGE="$base_image"
elapsed "image built"

# The stack's settings: a fresh password (never printed) and the mirror's port from the settings.
umask 077
{
	echo "SPACEX_PG_PASSWORD=$("$BIN/python" -c 'import secrets; print(secrets.token_hex(16))')"
	echo "SPACEX_MIRROR_PORT=$("$BIN/python" -c \
		'from spacex_elt.settings import DEFAULT_MIRROR_PORT; print(DEFAULT_MIRROR_PORT)')"
	echo "SPACEX_BASE_IMAGE=$base_image"
} > "$state/env"
umask 022

if $private_engine; then
	# docker-compose 1.29 (Debian's) refuses host networking next to published ports, and an
	# override cannot remove a list (`!reset` is Compose v2.24+): resolve the files once and drop
	# the ports of the host-networked services (the resolved file holds the password: $state is
	# private and removed on exit).
	(umask 077 && compose config > "$state/compose.yml")
	"$BIN/python" - "$state/compose.yml" <<-'EOF'
		import sys
		import yaml
		path = sys.argv[1]
		config = yaml.safe_load(open(path))
		for service in config["services"].values():
		    if service.get("network_mode") == "host":
		        service.pop("ports", None)
		yaml.safe_dump(config, open(path, "w"), sort_keys=False)
	EOF
	files=(-f "$state/compose.yml")
fi

stack_up=true
compose up -d --no-build
elapsed "stack up"

webserver=$(compose ps -q dagster-webserver)
for _ in $(seq 120); do
	health=$(docker inspect --format '{{.State.Health.Status}}' "$webserver")
	[ "$health" = healthy ] && break
	sleep 2
done
[ "$health" = healthy ] || { echo "deploy-test: webserver is $health" >&2; exit 1; }
elapsed "webserver healthy"

compose exec -T code-location python - "$WEBSERVER_URL" < docker/stack_check.py
elapsed "run succeeded, marts and answer checked"

# Every long-running service still up and healthy after the run.
for service in code-location dagster-webserver dagster-daemon warehouse; do
	id=$(compose ps -q "$service")
	status=$(docker inspect --format '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$id")
	echo "deploy-test: $service: $status"
	case "$status" in "running healthy" | "running starting") ;; *) exit 1 ;; esac
done
