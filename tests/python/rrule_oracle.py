"""Answers recurrence cases with python-dateutil's rrule, for client/tests/calendar_oracle.rs.

Reads a TSV (id, DTSTART, RRULE, EXDATEs, RDATEs, first date, last date; lists
comma-separated, empty when none) and prints, for each case, its id and the instances
between the first date's 00:00 and the last date's 23:59:59 inclusive, as
YYYYMMDDTHHMMSS, comma-separated. Floating times only: no zone is involved.
"""

import sys
from datetime import datetime

import dateutil
from dateutil.rrule import rrulestr


def main(path):
    print(f"dateutil\t{dateutil.__version__}")
    with open(path, encoding="utf-8") as cases:
        for row in cases:
            case, dtstart, rule, exdates, rdates, first, last = row.rstrip("\n").split("\t")
            lines = [f"DTSTART:{dtstart}", f"RRULE:{rule}"]
            if exdates:
                lines.append(f"EXDATE:{exdates}")
            if rdates:
                lines.append(f"RDATE:{rdates}")
            recurrence = rrulestr("\n".join(lines), forceset=True)
            start = datetime.strptime(first, "%Y%m%d")
            end = datetime.strptime(last, "%Y%m%d").replace(hour=23, minute=59, second=59)
            found = recurrence.between(start, end, inc=True)
            print(case + "\t" + ",".join(at.strftime("%Y%m%dT%H%M%S") for at in found))


if __name__ == "__main__":
    main(sys.argv[1])
