#!/usr/bin/env bash
# Validates every file in .github/workflows/ against GitHub's workflow schema,
# and the issue forms in .github/ISSUE_TEMPLATE/ against GitHub's issue-form
# schemas, with check-jsonschema (its schemas are bundled: no network needed once
# it is installed). Installs check-jsonschema into target/venv on first use.
#
#   scripts/validate-workflows.sh            # validate everything
#   scripts/validate-workflows.sh FILE...    # validate these workflow files
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/venv
cj="$venv/bin/check-jsonschema"
if [ ! -x "$cj" ]; then
  echo "installing check-jsonschema into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check check-jsonschema
fi

shopt -s nullglob
if [ $# -gt 0 ]; then
  workflows=("$@")
else
  workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
fi
if [ ${#workflows[@]} -eq 0 ]; then
  echo "error: no workflow files in .github/workflows/" >&2
  exit 1
fi
echo "workflows: ${workflows[*]}"
"$cj" --builtin-schema vendor.github-workflows "${workflows[@]}"

if [ $# -eq 0 ]; then
  forms=()
  for f in .github/ISSUE_TEMPLATE/*.yml .github/ISSUE_TEMPLATE/*.yaml; do
    case "$(basename "$f")" in
      config.yml | config.yaml)
        echo "issue template config: $f"
        "$cj" --builtin-schema vendor.github-issue-config "$f"
        ;;
      *) forms+=("$f") ;;
    esac
  done
  if [ ${#forms[@]} -gt 0 ]; then
    echo "issue forms: ${forms[*]}"
    "$cj" --builtin-schema vendor.github-issue-forms "${forms[@]}"
  fi
fi
