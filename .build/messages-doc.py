#!/usr/bin/env python3
"""Regenerates docs/messages.md from the message bundle (MessagesDocTest checks it is complete).

Run from the repository root: python3 .build/messages-doc.py
"""
import re

# Each module owns its bundle and ID range: core 01/02/03/07, CA 04, key sources 05, ACME 06.
BUNDLES = [
    "jaas-module/src/main/resources/io/portcullis/messages/PortcullisMessages.properties",
    "ca/src/main/resources/io/portcullis/ca/CaMessages.properties",
    "keysource/src/main/resources/io/portcullis/keys/KeySourceMessages.properties",
    "acme/src/main/resources/io/portcullis/acme/AcmeMessages.properties",
]
props = {}
for bundle in BUNDLES:
    for raw in open(bundle, encoding="utf-8").read().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        k, _, v = line.partition("=")
        if k.strip() in props:
            raise SystemExit(f"{k.strip()} is in two bundles")
        props[k.strip()] = v.strip().replace("''", "'")

ids = sorted(k for k in props if re.fullmatch(r"PRTC\d{4}[IWE]", k))
out = [
    "# Portcullis messages",
    "",
    "Every operator message starts with its ID. This page lists each ID with its explanation and"
    " the action to take. Each module owns its bundle and range: the core 01xx (trust), 02xx"
    " (rules), 03xx (adapters) and 07xx (configuration), the CA 04xx (`CaMessages.properties`),"
    " the key sources 05xx (`KeySourceMessages.properties`), the ACME issuer 06xx"
    " (`AcmeMessages.properties`); each module's messages test fails"
    " the build when one of its IDs is missing here. Regenerate it with"
    " `python3 .build/messages-doc.py`.",
    "",
]
for i in ids:
    out += [
        f"## {i}",
        "",
        f"**Message:** {props[i]}",
        "",
        f"**Explanation:** {props.get(i + '.explanation', '')}",
        "",
        f"**Action:** {props.get(i + '.useraction', '')}",
        "",
    ]
open("docs/messages.md", "w", encoding="utf-8").write("\n".join(out))
print(f"docs/messages.md: {len(ids)} messages")
