import sys

print("=" * 30 + " 46 passed in 0.12s " + "=" * 30)
sys.exit(0)
