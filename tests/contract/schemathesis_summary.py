"""Sum up one role's schemathesis run from its JUnit report; exit 1 on any failure.

Used by .ci/schemathesis: `schemathesis_summary.py ROLE REPORT.xml RUN.log`. Server errors
(ST101), responses that stray from the schema (the other ST1xx checks) and errors of the
run itself (a request that timed out, a connection refused) all fail.
"""

import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter

SERVER_ERROR = "ST101"
CHECK = re.compile(r"^- (ST\d+) (.*)$", re.MULTILINE)
TEST_CASES = re.compile(r"^Test cases:\n\s+(\d+) generated", re.MULTILINE)


def main(role, report_path, log_path):
    suites = ET.parse(report_path).getroot()  # noqa: S314 - our own report
    operations = suites.findall(".//testcase")
    failures = Counter()
    names = {}
    server_errors = []
    errors = []
    for operation in operations:
        for failure in operation.findall("failure"):
            for code, name in CHECK.findall(failure.text or ""):
                failures[code] += 1
                names[code] = name
                if code == SERVER_ERROR:
                    server_errors.append((operation.get("name"), failure.text))
        for error in operation.findall("error"):
            errors.append((operation.get("name"), error.get("message") or error.text or ""))
    with open(log_path, encoding="utf-8") as log:
        generated = TEST_CASES.search(log.read())

    print(f"{role}: {len(operations)} opérations, "
          f"{generated.group(1) if generated else '?'} requêtes générées, "
          f"{failures[SERVER_ERROR]} erreurs 5xx, {len(errors)} erreurs d'exécution, "
          f"{sum(failures.values()) - failures[SERVER_ERROR]} écarts au schéma")
    for code in sorted(failures):
        if code != SERVER_ERROR:
            print(f"  {code} {names[code]} : {failures[code]}")
    for name, text in server_errors:
        print(f"  5xx sur {name}\n{_indent(text)}")
    for name, text in errors:
        print(f"  erreur sur {name}\n{_indent(text)}")
    return 1 if failures or errors else 0


def _indent(text, limit=40):
    lines = text.strip().splitlines()[:limit]
    return "\n".join(f"      {line}" for line in lines)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
