#!/bin/bash
# demo.sh -- `make demo`: hawatch on a built-in simulated cluster.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/demo-reconcile.sh"
