"""Print "passed failed skipped" of a subunit2csv stream on stdin
(tools/run-tests.sh): success and expected failure pass, failure and
unexpected success fail."""

import csv
import sys

KINDS = {'success': 'passed', 'xfail': 'passed', 'fail': 'failed',
         'uxsuccess': 'failed', 'skip': 'skipped'}


def main():
    counts = {'passed': 0, 'failed': 0, 'skipped': 0}
    for row in csv.DictReader(sys.stdin):
        kind = KINDS.get(row['status'])
        if kind:
            counts[kind] += 1
    print(counts['passed'], counts['failed'], counts['skipped'])


if __name__ == '__main__':
    main()
