#!/bin/sh
# usage: setup.sh CLASS_DIR   (CLASS_DIR/observer must hold a correct solution)
set -e; d="$1/a12_links"; mkdir -p "$d"; here=$(dirname "$0")
ln -sf "$1/victim/my_linear.py" "$d/my_linear.py"; mkfifo "$d/logistic_regression.py"
ln "$1/observer/custom_dataset.py" "$d/custom_dataset.py"
ln -s /tmp/rt2/secret.txt "$d/secret_link.txt"; ln -s "$1/victim" "$d/victim_dir"; ln -s /etc "$d/etcdir"
