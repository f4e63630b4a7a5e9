#!/usr/bin/env bash
# The README's threat model names, for each attack, the test that shows it
# is stopped. This fails when a named test does not exist (renamed, removed,
# or misspelt), so the table cannot drift from the suite. Names are
# `Suite.Test` or, after one, a bare `Test` of the same suite; fuzz targets
# must have a corpus.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
section=$(awk '/^## Threat model/{on=1; next} /^## /{on=0} on' "$root/README.md")
[ -n "$section" ] || { echo "README.md has no '## Threat model' section"; exit 1; }

missing=0
checked=0
while IFS= read -r row; do
  suite=""
  for name in $(grep -o '`[A-Za-z0-9_.]*`' <<<"$row" | tr -d '`'); do
    if [[ $name =~ ^[A-Z][A-Za-z0-9]+\.[A-Z][A-Za-z0-9]+$ ]]; then
      suite=${name%%.*}
      test=${name#*.}
    elif [[ -n $suite && $name =~ ^[A-Z][A-Za-z0-9]+$ ]]; then
      test=$name
    else
      continue
    fi
    checked=$((checked + 1))
    if ! grep -rqE "TEST(_F)?\($suite, $test\)" "$root/tests"; then
      echo "the threat model names $suite.$test, which is no test"
      missing=1
    fi
  done
  for target in $(grep -o 'fuzz targets\? `[a-z_]*`\(, `[a-z_]*`\)*' <<<"$row" | grep -o '`[a-z_]*`' | tr -d '`'); do
    checked=$((checked + 1))
    if [ -z "$(ls -A "$root/tests/fuzz/corpus/$target" 2>/dev/null)" ]; then
      echo "the threat model names fuzz target $target, which has no corpus"
      missing=1
    fi
  done
done < <(grep '^|' <<<"$section")
echo "$checked tests and fuzz targets named in the threat model"
[ "$checked" -gt 40 ] || { echo "fewer names than expected: is the table still read right?"; exit 1; }
exit $missing
