"""Entry point: `python -m grader.worker --read-fd R --write-fd W --submission DIR`."""
import argparse

from grader.worker.serve import serve


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m grader.worker")
    parser.add_argument("--read-fd", type=int, required=True)
    parser.add_argument("--write-fd", type=int, required=True)
    parser.add_argument("--submission", required=True)
    args = parser.parse_args()
    serve(args.read_fd, args.write_fd, args.submission)


if __name__ == "__main__":
    main()
