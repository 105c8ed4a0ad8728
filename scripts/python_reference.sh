#!/usr/bin/env bash
# A Python environment for the benchmark's reference pipeline (scripts/python_reference.py):
# OpenCV 4.6 and onnxruntime 1.31.1 (the versions ugoki uses), in a git-ignored venv.
# Idempotent; prints the interpreter's path.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.runtime/python-reference
if ! "$venv/bin/python" -c "import cv2, numpy, onnxruntime" 2>/dev/null; then
    python3 -m venv "$venv" >&2 || {
        echo "error: cannot create a Python venv; install it with: apt-get install python3-venv" >&2
        exit 3
    }
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        numpy==1.26.4 opencv-python-headless==4.6.0.66 onnxruntime==1.31.1 >&2
fi
echo "$PWD/$venv/bin/python"
