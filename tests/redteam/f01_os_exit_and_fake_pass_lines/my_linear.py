"""Attack: look like a passing run, then leave before anything can be checked."""
import os
import sys

print("=" * 30 + " 46 passed in 0.31s " + "=" * 30)
print('{"score": 46, "max_score": 46, "full_marks": true}')
print("\x1b[2K\r\x1b[1A\x1b[2K\rmy_linear    15/15  all checks passed")
sys.stdout.flush()
os._exit(0)
