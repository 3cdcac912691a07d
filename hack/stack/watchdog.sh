#!/usr/bin/env bash
# Stops a local stack's processes and removes its directories when the Node process that started them is
# gone, however it went (a failed test run, Ctrl-C, SIGKILL of the runner). Started by hack/stack/watchdog.ts
# in its own session, with its standard input a pipe from that Node process. It reads lines until EOF:
#   pid N      a process group to stop (the child was started as its group leader)
#   forget N   the owner stopped N itself; never signal it (its PID may be reused)
#   path PATH  a file or directory to remove
# EOF means the owner closed the pipe: it exited, crashed or was killed. Nothing polls the owner.
set -u
declare -A groups=()
paths=()
while read -r verb value; do
  case "$verb" in
    pid) groups[$value]=1 ;;
    forget) unset "groups[$value]" ;;
    path) paths+=("$value") ;;
  esac
done
for pgid in "${!groups[@]}"; do kill -TERM -- "-$pgid" 2>/dev/null; done
# Give them 3 s to exit (etcd and kube-apiserver flush and close), then force.
for _ in $(seq 30); do
  alive=0
  for pgid in "${!groups[@]}"; do kill -0 -- "-$pgid" 2>/dev/null && alive=1; done
  [ "$alive" = 0 ] && break
  sleep 0.1
done
for pgid in "${!groups[@]}"; do kill -KILL -- "-$pgid" 2>/dev/null; done
for path in "${paths[@]}"; do rm -rf -- "$path"; done
