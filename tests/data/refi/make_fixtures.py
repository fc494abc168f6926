#!/usr/bin/env python3
"""Generates tests/data/refi/quirky.qdpx: a REFI-QDA project written the way real exporters
write them, not the way thema does. Standard library only; run from anywhere:

    python3 tests/data/refi/make_fixtures.py

The zip has fixed timestamps, so the output is the same on every run. tests/refi.rs reads
it and checks what thema imports from it against the EXPECTED table printed at the end
(copied into the test by hand).

Quirks:
- the project file is `Quirky Project.QDE` (not project.qde), with a UTF-8 BOM, CRLF line
  ends and a prefixed namespace (`qda:`); the test also re-packs it without a namespace and
  with an older one;
- the sources folder is `Sources/` in one entry and `sources/` in another; one
  plainTextPath is `internal://` + a lower-case GUID while the entry is upper-case, one is
  a bare relative name without `internal://`;
- source 1 has a BOM and CRLF line ends, and non-ASCII text (é, ë, €, an emoji) before its
  coded passages; positions count the CR of each CRLF, not the BOM (the plain text as
  stored);
- source 2 has front matter without an `id` and a decomposed é (e + U+0301) before its
  coded passage;
- source 3 has its text inline (PlainTextContent), with GUIDs in braces;
- source 4 has only a Word file (richTextPath, tests/data/docx/plain.docx): its text is
  imported, its selection is skipped;
- a PDF source, a note and a code set, which thema skips and reports;
- one coding names no creatingUser (the selection's is used), typed variables on cases.
"""

import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
FIXED = (2020, 1, 1, 0, 0, 0)

ANNA = "{6F0D2C1A-0000-4000-8000-00000000A001}"
BRAM = "6f0d2c1a-0000-4000-8000-00000000b002"
PARENT = "6F0D2C1A-0000-4000-8000-0000000C0DE1"
CHILD = "6F0D2C1A-0000-4000-8000-0000000C0DE2"
S1 = "6F0D2C1A-0000-4000-8000-000000005001"
S2 = "6F0D2C1A-0000-4000-8000-000000005002"
S3 = "6F0D2C1A-0000-4000-8000-000000005003"
S4 = "6F0D2C1A-0000-4000-8000-000000005004"
S5 = "6F0D2C1A-0000-4000-8000-000000005005"
AGE = "6F0D2C1A-0000-4000-8000-00000000FA01"
TOWN = "6F0D2C1A-0000-4000-8000-00000000FA02"

TEXT1 = (
    "Interviewer: Hoe ging het?\r\n"
    "Respondent: Café ë € 😀 — de gemeente belde me uit zichzelf op.\r\n"
    "\r\n"
    "Daarna ging het beter, dankzij het wijkteam.\r\n"
)
TEXT2 = (
    "---\n"
    "cohort: 2024-wave1\n"
    "---\n"
    "I: Hoe was het?\n"
    "R: Cafe\u0301 gesloten, maar ze namen zelf contact op.\n"
)
TEXT3 = "R: Inline tekst met één code.\n"


def span(text, phrase):
    """Code-point start and end of the first `phrase` in `text`."""
    start = text.index(phrase)
    return start, start + len(phrase)


def esc(text):
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def selection(guid, text, phrase, code, user=None, coding_user=True):
    start, end = span(text, phrase)
    sel_user = f' qda:creatingUser="{user}"' if user else ""
    coding_user_attr = f' qda:creatingUser="{user}"' if user and coding_user else ""
    return (
        f'      <qda:PlainTextSelection qda:guid="{guid}" qda:name="{esc(phrase)}" '
        f'qda:startPosition="{start}" qda:endPosition="{end}"{sel_user}>\n'
        f'        <qda:Coding qda:guid="{guid[:-4]}C0D1"{coding_user_attr}>\n'
        f'          <qda:CodeRef qda:targetGUID="{code}"/>\n'
        f"        </qda:Coding>\n"
        f"      </qda:PlainTextSelection>\n"
    )


def project():
    sel = "6F0D2C1A-0000-4000-8000-00000000"
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<qda:Project xmlns:qda="urn:QDA-XML:project:1.0" qda:name="Quirky project" '
        'qda:origin="hand-made">\n'
        "  <qda:Users>\n"
        f'    <qda:User qda:guid="{ANNA}" qda:name="Anna"/>\n'
        f'    <qda:User qda:guid="{BRAM}" qda:name="Bram"/>\n'
        "  </qda:Users>\n"
        "  <qda:CodeBook>\n"
        "    <qda:Codes>\n"
        f'      <qda:Code qda:guid="{PARENT}" qda:name="Proactiviteit" qda:isCodable="true" qda:color="#ABC">\n'
        "        <qda:Description>Hulp voordat erom gevraagd wordt.</qda:Description>\n"
        f'        <qda:Code qda:guid="{CHILD}" qda:name="Initiatief nemen" qda:isCodable="true">\n'
        "          <qda:Description>De organisatie zette de eerste stap.\n\nInclude: belde, schreef.</qda:Description>\n"
        "        </qda:Code>\n"
        "      </qda:Code>\n"
        "    </qda:Codes>\n"
        "  </qda:CodeBook>\n"
        "  <qda:Variables>\n"
        f'    <qda:Variable qda:guid="{AGE}" qda:name="Leeftijd" qda:typeOfVariable="Integer"/>\n'
        f'    <qda:Variable qda:guid="{TOWN}" qda:name="Gemeente" qda:typeOfVariable="Text"/>\n'
        "  </qda:Variables>\n"
        "  <qda:Cases>\n"
        '    <qda:Case qda:guid="6F0D2C1A-0000-4000-8000-00000000CA01" qda:name="Respondent 1">\n'
        f'      <qda:VariableValue><qda:VariableRef qda:targetGUID="{AGE}"/><qda:IntegerValue>34</qda:IntegerValue></qda:VariableValue>\n'
        f'      <qda:VariableValue><qda:VariableRef qda:targetGUID="{{{TOWN.lower()}}}"/><qda:TextValue>Utrecht</qda:TextValue></qda:VariableValue>\n'
        f'      <qda:SourceRef qda:targetGUID="{S1}"/>\n'
        "    </qda:Case>\n"
        '    <qda:Case qda:guid="6F0D2C1A-0000-4000-8000-00000000CA02" qda:name="Respondent 2">\n'
        f'      <qda:VariableValue><qda:VariableRef qda:targetGUID="{TOWN}"/><qda:TextValue>Zwolle</qda:TextValue></qda:VariableValue>\n'
        f'      <qda:SourceRef qda:targetGUID="{S2}"/>\n'
        "    </qda:Case>\n"
        "  </qda:Cases>\n"
        "  <qda:Sources>\n"
        f'    <qda:TextSource qda:guid="{S1}" qda:name="Interview 1.docx" '
        f'qda:plainTextPath="internal://{S1.lower()}.txt">\n'
        + selection(sel + "0101", TEXT1, "belde me uit zichzelf op", CHILD, ANNA)
        + selection(sel + "0102", TEXT1, "Café ë €", PARENT, BRAM, coding_user=False)
        + selection(sel + "0103", TEXT1, "dankzij het wijkteam", PARENT, ANNA)
        + "    </qda:TextSource>\n"
        f'    <qda:TextSource qda:guid="{S2}" qda:name="Interview 2" qda:plainTextPath="Interview 2.txt">\n'
        + selection(sel + "0201", TEXT2, "namen zelf contact op", CHILD, BRAM)
        + "    </qda:TextSource>\n"
        f'    <qda:TextSource qda:guid="{{{S3}}}" qda:name="Inline">\n'
        f"      <qda:PlainTextContent>{esc(TEXT3)}</qda:PlainTextContent>\n"
        + selection(sel + "0301", TEXT3, "één code", PARENT, ANNA)
        + "    </qda:TextSource>\n"
        f'    <qda:TextSource qda:guid="{S4}" qda:name="Word only" qda:richTextPath="internal://{S4}.docx">\n'
        + '      <qda:PlainTextSelection qda:guid="6F0D2C1A-0000-4000-8000-000000000401" qda:startPosition="10" qda:endPosition="20">\n'
        f'        <qda:Coding qda:guid="6F0D2C1A-0000-4000-8000-00000000C401" qda:creatingUser="{ANNA}"><qda:CodeRef qda:targetGUID="{CHILD}"/></qda:Coding>\n'
        "      </qda:PlainTextSelection>\n"
        "    </qda:TextSource>\n"
        f'    <qda:PDFSource qda:guid="{S5}" qda:name="Beleidsnota" qda:path="internal://{S5}.pdf"/>\n'
        "  </qda:Sources>\n"
        "  <qda:Notes>\n"
        '    <qda:Note qda:guid="6F0D2C1A-0000-4000-8000-00000000AAAA" qda:name="Memo">\n'
        "      <qda:PlainTextContent>Een memo.</qda:PlainTextContent>\n"
        "    </qda:Note>\n"
        "  </qda:Notes>\n"
        "  <qda:Sets>\n"
        '    <qda:Set qda:guid="6F0D2C1A-0000-4000-8000-00000000BBBB" qda:name="Set"/>\n'
        "  </qda:Sets>\n"
        "</qda:Project>\n"
    )


def main():
    qde = "\ufeff" + project().replace("\n", "\r\n")
    with open(os.path.join(ROOT, "tests", "data", "docx", "plain.docx"), "rb") as f:
        word = f.read()
    entries = [
        ("Quirky Project.QDE", qde.encode("utf-8")),
        (f"Sources/{S1}.TXT", b"\xef\xbb\xbf" + TEXT1.encode("utf-8")),
        ("sources/Interview 2.txt", TEXT2.encode("utf-8")),
        (f"Sources/{S4}.docx", word),
        (f"Sources/{S5}.pdf", b"%PDF-1.4 not really\n"),
    ]
    out = os.path.join(HERE, "quirky.qdpx")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=FIXED)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    print(f"wrote {out}")
    print("EXPECTED (source, phrase, start, end in the raw text):")
    for name, text, phrase in [
        ("1", TEXT1, "belde me uit zichzelf op"),
        ("1", TEXT1, "Café ë €"),
        ("1", TEXT1, "dankzij het wijkteam"),
        ("2", TEXT2, "namen zelf contact op"),
        ("3", TEXT3, "één code"),
    ]:
        print(" ", name, repr(phrase), *span(text, phrase))


if __name__ == "__main__":
    main()
