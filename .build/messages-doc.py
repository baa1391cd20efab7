#!/usr/bin/env python3
"""Regenerates docs/messages.md from the message bundle (MessagesDocTest checks it is complete).

Run from the repository root: python3 .build/messages-doc.py
"""
import re

BUNDLE = "jaas-module/src/main/resources/io/portcullis/messages/PortcullisMessages.properties"
props = {}
key = None
for raw in open(BUNDLE, encoding="utf-8").read().splitlines():
    line = raw.strip()
    if not line or line.startswith("#"):
        continue
    k, _, v = line.partition("=")
    props[k.strip()] = v.strip().replace("''", "'")

ids = sorted(k for k in props if re.fullmatch(r"PRTC\d{4}[IWE]", k))
out = [
    "# Portcullis messages",
    "",
    "Every operator message starts with its ID. This page lists each ID with its explanation and"
    " the action to take; `MessagesDocTest` fails the build when an ID in"
    " `PortcullisMessages.properties` is missing here. Regenerate it with"
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
