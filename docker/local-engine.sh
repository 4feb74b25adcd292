#!/usr/bin/env bash
# A throw-away Docker engine for `make deploy-test` on a Debian machine where none runs (as root).
#
#   docker/local-engine.sh start STATE_DIR   # installs docker.io + docker-compose if missing
#   docker/local-engine.sh stop STATE_DIR    # stops the daemon, removes its network namespace
#
# Everything the daemon owns lives under STATE_DIR (its --data-root, --exec-root and socket), so it
# touches none of the machine's Docker state. It runs in a network namespace of its own that has
# only a loopback interface: containers use host networking (no bridge, no iptables rules), which
# here is that namespace's loopback, so nothing they open can reach beyond it, and their ports
# cannot collide with anything else on the machine. Commands that must reach the stack run with
# `nsenter --net=/run/netns/"$(cat STATE_DIR/netns)"` (not `ip netns exec`, whose fresh /sys hides
# the cgroup mounts dockerd needs).
set -euo pipefail

cmd=${1:?usage: local-engine.sh start|stop STATE_DIR}
state=${2:?usage: local-engine.sh start|stop STATE_DIR}

case "$cmd" in
start)
	if [ "$(id -u)" != 0 ] || ! command -v apt-get > /dev/null; then
		echo "local-engine: a private engine needs root on Debian; start Docker yourself" >&2
		exit 1
	fi
	missing=()
	command -v dockerd > /dev/null || missing+=(docker.io)
	command -v docker-compose > /dev/null || missing+=(docker-compose)
	if [ ${#missing[@]} -gt 0 ]; then
		echo "local-engine: apt-get install ${missing[*]}"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"${missing[@]}" > "$state.apt.log" 2>&1 || { tail -20 "$state.apt.log" >&2; exit 1; }
	fi
	mkdir -p "$state"
	netns="spacex-deploy-$$"
	ip netns add "$netns"
	echo "$netns" > "$state/netns"
	ip netns exec "$netns" ip link set lo up
	# No bridge, no iptables/ip6tables rules: the only network is the namespace's loopback.
	nsenter --net="/run/netns/$netns" dockerd \
		--data-root "$state/data" --exec-root "$state/exec" \
		--pidfile "$state/dockerd.pid" -H "unix://$state/docker.sock" \
		--bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
		> "$state/dockerd.log" 2>&1 &
	pid=$!
	for _ in $(seq 60); do
		kill -0 "$pid" 2> /dev/null || break
		DOCKER_HOST="unix://$state/docker.sock" docker version > /dev/null 2>&1 && exit 0
		sleep 1
	done
	tail -20 "$state/dockerd.log" >&2
	echo "local-engine: dockerd did not answer on $state/docker.sock" >&2
	exit 1
	;;
stop)
	if [ -f "$state/dockerd.pid" ]; then
		pid=$(cat "$state/dockerd.pid")
		kill "$pid" 2> /dev/null || true
		for _ in $(seq 30); do kill -0 "$pid" 2> /dev/null || break; sleep 1; done
		kill -9 "$pid" 2> /dev/null || true
	fi
	if [ -f "$state/netns" ]; then
		ip netns del "$(cat "$state/netns")" 2> /dev/null || true
	fi
	# Leftover mounts of the daemon (overlay layers, netns files) before the folder goes.
	grep -o " $state/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2> /dev/null || true
	rm -rf "$state" "$state.apt.log"
	;;
*)
	echo "usage: local-engine.sh start|stop STATE_DIR" >&2
	exit 2
	;;
esac
