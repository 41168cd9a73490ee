#!/bin/bash
# docs.sh: the documentation that is derived from code is in step with it.
#   - docs/packet-schema.md is what tests/tools/schemadoc prints from the
#     one schema declaration (capture/schema.def);
#   - every meta-command that \? lists is in the man page.
. "$(dirname "$0")/../lib.sh"
t_begin docs

gen=$build/tests/tools/schemadoc
if [ ! -x "$gen" ]; then
	fail schemadoc "$gen not built"
elif "$gen" | cmp -s - "$repo/docs/packet-schema.md"; then
	ok packet-schema
else
	fail packet-schema "docs/packet-schema.md differs from schemadoc's output;" \
		"regenerate: build/tests/tools/schemadoc > docs/packet-schema.md"
fi

help=$("$gigsh" -X -q -c '\?' 2>&1)
cmds=$(printf '%s\n' "$help" | grep -o '^ *\\[a-z]*' | tr -d ' ' | sort -u)
missing=
for cmd in $cmds; do
	grep -qF -- "${cmd#\\}" "$repo/docs/gigsh.1" || missing="$missing $cmd"
done
if [ -z "$cmds" ]; then
	fail meta-commands-in-man "\\? listed no commands:" "$help"
elif [ -n "$missing" ]; then
	fail meta-commands-in-man "not in docs/gigsh.1:$missing"
else
	ok meta-commands-in-man
fi
t_end
