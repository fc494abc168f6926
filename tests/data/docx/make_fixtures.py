#!/usr/bin/env python3
"""Generates the .docx/.odt test fixtures of src/ingest/docx.rs and samples/nl-15-word.docx.

Needs python-docx and odfpy (pip install python-docx odfpy); LibreOffice (soffice) is
optional: with it, libreoffice.docx and libreoffice.odt are regenerated, without it the
committed ones are kept. Run from anywhere:

    python3 tests/data/docx/make_fixtures.py

Every zip is rewritten with fixed timestamps, so the output is the same on every run
(except the LibreOffice-written files, which carry the conversion time).

source/<name>.txt holds the text each good fixture was made from; the Rust tests check
that every word of it comes out of the reader.
"""

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

import docx
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm
from odf import dc, meta, teletype
from odf.namespaces import TEXTNS, XMLNS
from odf.opendocument import OpenDocumentText
from odf.office import Annotation
from odf.style import Style, TableColumnProperties, TextProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import (
    H,
    P,
    Change,
    ChangedRegion,
    ChangeEnd,
    ChangeStart,
    Deletion,
    Insertion,
    LineBreak,
    Note,
    NoteBody,
    NoteCitation,
    S,
    Span,
    Tab,
    TrackedChanges,
)
from odf.office import ChangeInfo

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SOURCE = os.path.join(HERE, "source")
FIXED = (1980, 1, 1, 0, 0, 0)
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CREATED = dt.datetime(2024, 3, 12, 10, 0, 0, tzinfo=dt.timezone.utc)


def out(name):
    return os.path.join(HERE, name)


def write_source(name, text):
    with open(os.path.join(SOURCE, name + ".txt"), "w", encoding="utf-8") as f:
        f.write(text.rstrip("\n") + "\n")


def normalize_zip(path, order=None):
    """Rewrites a zip with fixed timestamps (mimetype first and stored, as ODF wants)."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    if order:
        items.sort(key=lambda item: order(item[0]))
    with zipfile.ZipFile(path, "w") as z:
        for name, data in items:
            info = zipfile.ZipInfo(name, date_time=FIXED)
            info.compress_type = (
                zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            )
            info.external_attr = 0o644 << 16
            z.writestr(info, data, compresslevel=9)


def replace_parts(path, parts):
    """Replaces or adds parts in a zip package."""
    with zipfile.ZipFile(path) as z:
        items = {i.filename: z.read(i.filename) for i in z.infolist()}
        names = [i.filename for i in z.infolist()]
    for name, data in parts.items():
        if name not in items:
            names.append(name)
        items[name] = data.encode("utf-8") if isinstance(data, str) else data
    with zipfile.ZipFile(path, "w") as z:
        for name in names:
            z.writestr(zipfile.ZipInfo(name, date_time=FIXED), items[name])


def new_document(title="", author="Onderzoeksteam", created=CREATED):
    d = docx.Document()
    cp = d.core_properties
    cp.title = title
    cp.author = author
    cp.created = created
    cp.modified = created
    cp.last_modified_by = author
    cp.revision = 1
    return d


DROP = ("word/stylesWithEffects.xml", "docProps/thumbnail.jpeg", "customXml/")


def slim_docx(path):
    """Drops what python-docx's template only adds size with (the thumbnail, the Word 2010
    copy of the styles, custom XML, latent styles, table styles other than Table Grid),
    keeping the package valid."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    kept = []
    for name, data in items:
        if name.startswith(DROP):
            continue
        if name.endswith(".rels"):
            text = data.decode("utf-8")
            text = re.sub(
                r'<Relationship [^>]*Target="[^"]*(stylesWithEffects|thumbnail|customXml)[^"]*"[^>]*/>',
                "",
                text,
            )
            data = text.encode("utf-8")
        elif name == "[Content_Types].xml":
            text = data.decode("utf-8")
            text = re.sub(
                r'<Override PartName="/(word/stylesWithEffects|docProps/thumbnail|customXml/)[^"]*"[^>]*/>',
                "",
                text,
            )
            data = text.encode("utf-8")
        elif name == "word/styles.xml":
            text = data.decode("utf-8")
            text = re.sub(r"<w:latentStyles\b.*?</w:latentStyles>", "", text, flags=re.S)
            text = re.sub(
                r'<w:style w:type="table"(?![^>]*w:styleId="(?:TableNormal|TableGrid)")[^>]*>.*?</w:style>',
                "",
                text,
                flags=re.S,
            )
            data = text.encode("utf-8")
        kept.append((name, data))
    with zipfile.ZipFile(path, "w") as z:
        for name, data in kept:
            z.writestr(zipfile.ZipInfo(name, date_time=FIXED), data)


def save_docx(d, name, directory=HERE):
    path = os.path.join(directory, name)
    d.save(path)
    slim_docx(path)
    normalize_zip(path)
    return path


def bold_para(d, name, rest):
    p = d.add_paragraph()
    p.add_run(name).bold = True
    p.add_run(rest)
    return p


# --- Good fixtures ----------------------------------------------------------------------


def plain():
    d = new_document("Interview NL-T01")
    d.add_paragraph("Interview NL-T01 (testbestand)")
    d.add_paragraph("Interviewer: Hoe kwam u in contact met de gemeente?")
    bold_para(d, "Maria", " Ze belden me gewoon op, zonder dat ik erom vroeg.")
    bold_para(d, "Interviewer:", " En wat vond u daarvan?")
    bold_para(d, "Maria", ": Eerst schrok ik wel.")
    d.add_paragraph("Later was ik er blij mee, eerlijk gezegd.")
    d.add_paragraph("")
    d.add_paragraph("[00:01:23] Maria: Dat weet ik nog precies.")
    bold_para(d, "Nee, echt niet.", " Dat zei ik eerst tegen haar.")
    p = d.add_paragraph()
    p.add_run("Maria ").bold = True
    p.add_run("Jansen").bold = True
    p.add_run("\tJa, dat klopt.")
    bold_para(d, "Interviewer", " Dank u wel.")
    save_docx(d, "plain.docx")
    write_source(
        "plain",
        "\n".join(
            [
                "Interview NL-T01 (testbestand)",
                "Interviewer: Hoe kwam u in contact met de gemeente?",
                "Maria Ze belden me gewoon op, zonder dat ik erom vroeg.",
                "Interviewer: En wat vond u daarvan?",
                "Maria: Eerst schrok ik wel.",
                "Later was ik er blij mee, eerlijk gezegd.",
                "[00:01:23] Maria: Dat weet ik nog precies.",
                "Nee, echt niet. Dat zei ik eerst tegen haar.",
                "Maria Jansen Ja, dat klopt.",
                "Interviewer Dank u wel.",
            ]
        ),
    )


def speaker_table():
    d = new_document("Gesprek over de energietoeslag")
    d.add_paragraph("Gesprek over de energietoeslag")
    rows = [
        ("Spreker", ["Tekst"]),
        ("Interviewer", ["Wanneer hoorde u van de toeslag?"]),
        ("Sanne", ["Via een brief van de gemeente."]),
        ("Interviewer", ["En toen?"]),
        (
            "Sanne (00:04:12)",
            ["Ik heb gebeld.", "Binnen een week stond het geld op mijn rekening."],
        ),
        ("", ["Dat had ik nooit verwacht."]),
    ]
    table = d.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for who, said in rows:
        cells = table.add_row().cells
        cells[0].text = who
        cells[1].text = said[0]
        for para in said[1:]:
            cells[1].add_paragraph(para)
    d.add_paragraph("Einde opname.")
    save_docx(d, "speaker-table.docx")
    lines = ["Gesprek over de energietoeslag"]
    lines += [f"{who} {' '.join(said)}" for who, said in rows]
    lines.append("Einde opname.")
    write_source("speaker-table", "\n".join(lines))


def tables_mixed():
    d = new_document("Tabellen")
    meta_rows = [("Respondent", "R12"), ("Datum", "3 april 2024"), ("Gemeente", "Zaandam")]
    t = d.add_table(rows=0, cols=2)
    for key, value in meta_rows:
        cells = t.add_row().cells
        cells[0].text = key
        cells[1].text = value
    d.add_paragraph("Transcript:")
    timed = [
        ("Tijd", "Spreker", "Tekst"),
        ("00:00:05", "Interviewer", "Goedemiddag, fijn dat u er bent."),
        ("00:00:09", "Kees", "Middag. Ja, ik had er wel zin in."),
        ("00:00:15", "Interviewer", "Vertelt u eens over de brief van de SVB."),
    ]
    t = d.add_table(rows=0, cols=3)
    for row in timed:
        cells = t.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
    outer = d.add_table(rows=1, cols=2)
    outer.rows[0].cells[0].text = "Bijlage"
    inner_cell = outer.rows[0].cells[1]
    inner_cell.text = "Zie ook:"
    inner = inner_cell.add_table(rows=2, cols=2)
    for r, row in enumerate([("brief", "maart"), ("telefoon", "april")]):
        for c, text in enumerate(row):
            inner.rows[r].cells[c].text = text
    single = d.add_table(rows=1, cols=1)
    single.rows[0].cells[0].text = "Kees: Dit stond in een tabel met één kolom."
    single.rows[0].cells[0].add_paragraph("Kees: En dit ook.")
    save_docx(d, "tables-mixed.docx")
    lines = [" ".join(r) for r in meta_rows]
    lines.append("Transcript:")
    lines += [" ".join(r) for r in timed]
    lines += [
        "Bijlage Zie ook: brief maart telefoon april",
        "Kees: Dit stond in een tabel met één kolom.",
        "Kees: En dit ook.",
    ]
    write_source("tables-mixed", "\n".join(lines))


def tracked_changes():
    d = new_document("Wijzigingen")
    body = d.element.body
    sect = body[-1]

    def add(xml):
        sect.addprevious(parse_xml(xml))

    w = nsdecls("w")
    add(
        f'<w:p {w}><w:r><w:t xml:space="preserve">Interviewer: Wanneer kwam de </w:t></w:r>'
        '<w:del w:id="1" w:author="Redactie" w:date="2024-03-12T10:00:00Z"><w:r>'
        '<w:delText xml:space="preserve">eerste </w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="Redactie" w:date="2024-03-12T10:00:00Z"><w:r>'
        '<w:t xml:space="preserve">allereerste </w:t></w:r></w:ins>'
        "<w:r><w:t>brief?</w:t></w:r></w:p>"
    )
    add(
        f'<w:p {w}><w:r><w:t xml:space="preserve">Petra: Dat was op </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> DATE \\@ "d MMMM yyyy" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>12 maart 2024</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:t xml:space="preserve">, een dinsdag</w:t></w:r>'
        '<w:r><w:footnoteReference w:id="1"/></w:r>'
        "<w:r><w:t>.</w:t></w:r></w:p>"
    )
    add(
        f'<w:p {w}><w:moveFrom w:id="3" w:author="Redactie" w:date="2024-03-12T10:00:00Z">'
        '<w:r><w:t xml:space="preserve">Heel snel. </w:t></w:r></w:moveFrom>'
        '<w:r><w:t xml:space="preserve">Petra: Ze belden me terug.</w:t></w:r>'
        '<w:moveTo w:id="4" w:author="Redactie" w:date="2024-03-12T10:00:00Z">'
        '<w:r><w:t xml:space="preserve"> Heel snel.</w:t></w:r></w:moveTo></w:p>'
    )
    add(
        f'<w:p {w}><w:pPr><w:rPr><w:del w:id="5" w:author="Redactie" '
        'w:date="2024-03-12T10:00:00Z"/></w:rPr></w:pPr>'
        '<w:r><w:t xml:space="preserve">Petra: Het ging </w:t></w:r></w:p>'
    )
    add(f'<w:p {w}><w:r><w:t>om de huur.</w:t></w:r></w:p>')
    add(
        f'<w:tbl {w}><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
        '<w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="6000"/></w:tblGrid>'
        "<w:tr><w:tc><w:p><w:r><w:t>Interviewer</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>Klopt dat?</w:t></w:r></w:p></w:tc></w:tr>"
        '<w:tr><w:trPr><w:del w:id="6" w:author="Redactie" w:date="2024-03-12T10:00:00Z"/></w:trPr>'
        "<w:tc><w:p><w:del w:id=\"7\" w:author=\"Redactie\" w:date=\"2024-03-12T10:00:00Z\">"
        "<w:r><w:delText>Petra</w:delText></w:r></w:del></w:p></w:tc>"
        "<w:tc><w:p><w:del w:id=\"8\" w:author=\"Redactie\" w:date=\"2024-03-12T10:00:00Z\">"
        "<w:r><w:delText>Geschrapte rij.</w:delText></w:r></w:del></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:p><w:r><w:t>Petra</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>Ja, dat klopt.</w:t></w:r></w:p></w:tc></w:tr>"
        "</w:tbl>"
    )
    p = d.add_paragraph()
    run = p.add_run("Petra: Daarna ging alles vanzelf.")
    d.add_comment(run, text="Opmerking van de codeur: nagaan", author="Codeur")
    path = save_docx(d, "tracked-changes.docx")
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:footnotes xmlns:w="{W_NS}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
        "</w:r></w:p></w:footnote>"
        '<w:footnote w:id="1"><w:p><w:r><w:t>Voetnoottekst hoort niet bij de tekst.</w:t></w:r>'
        "</w:p></w:footnote></w:footnotes>"
    )
    with zipfile.ZipFile(path) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
        comments = z.read("word/comments.xml").decode()
    comments = re.sub(r'w:date="[^"]*"', 'w:date="2024-03-12T10:00:00Z"', comments)
    types = types.replace(
        "</Types>",
        '<Override PartName="/word/footnotes.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
    )
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>',
    )
    replace_parts(
        path,
        {
            "word/footnotes.xml": footnotes,
            "[Content_Types].xml": types,
            "word/_rels/document.xml.rels": rels,
            "word/comments.xml": comments,
        },
    )
    normalize_zip(path)
    write_source(
        "tracked-changes",
        "\n".join(
            [
                "Interviewer: Wanneer kwam de allereerste brief?",
                "Petra: Dat was op 12 maart 2024, een dinsdag.",
                "Petra: Ze belden me terug. Heel snel.",
                "Petra: Het ging om de huur.",
                "Interviewer Klopt dat?",
                "Petra Ja, dat klopt.",
                "Petra: Daarna ging alles vanzelf.",
            ]
        ),
    )


def linebreaks():
    d = new_document("Regeleinden")
    p = d.add_paragraph()
    p.paragraph_format.tab_stops.add_tab_stop(Cm(3))
    p.add_run("Interviewer: Eerste regel")
    p.add_run().add_break()
    p.add_run("tweede regel")
    p.add_run().add_break(WD_BREAK.LINE)
    p.add_run("derde\tmet tab")
    w = nsdecls("w")
    p = d.add_paragraph()
    p.add_run("Ruud: Na een wagenterugloop")
    p._p.append(parse_xml(f"<w:r {w}><w:cr/><w:t>volgt dit.</w:t></w:r>"))
    p = d.add_paragraph()
    p.add_run("Ruud: Het kost 5 ")
    p._p.append(parse_xml(f'<w:r {w}><w:sym w:font="Symbol" w:char="F0B1"/></w:r>'))
    p.add_run(" 1 euro, e")
    p._p.append(parse_xml(f"<w:r {w}><w:noBreakHyphen/></w:r>"))
    p.add_run("mail ge")
    p._p.append(parse_xml(f"<w:r {w}><w:softHyphen/></w:r>"))
    p.add_run("meente ")
    p._p.append(parse_xml(f'<w:r {w}><w:sym w:font="Wingdings" w:char="F0FC"/></w:r>'))
    p.add_run("\u00a0klaar.")
    p = d.add_paragraph()
    p.add_run("Ruud: Voor de pagina-einde")
    p.add_run().add_break(WD_BREAK.PAGE)
    p.add_run("en erna.")
    save_docx(d, "linebreaks.docx")
    write_source(
        "linebreaks",
        "Interviewer: Eerste regel\ntweede regel\nderde met tab\n"
        "Ruud: Na een wagenterugloop volgt dit.\n"
        "Ruud: Het kost 5 ± 1 euro, e-mail gemeente ✓ klaar.\n"
        "Ruud: Voor de pagina-einde en erna.",
    )


def properties():
    d = new_document(
        "Interview over kwijtschelding",
        author="Onderzoeksteam HU",
        created=dt.datetime(2024, 5, 2, 9, 30, 0, tzinfo=dt.timezone.utc),
    )
    d.add_paragraph("I: Hallo.")
    d.add_paragraph("R: Dag.")
    save_docx(d, "properties.docx")
    write_source("properties", "I: Hallo.\nR: Dag.")


def change_info():
    info = ChangeInfo()
    info.addElement(dc.Creator(text="Redactie"))
    info.addElement(dc.Date(text="2024-04-03T15:00:00"))
    return info


def odt():
    doc = OpenDocumentText()
    doc.meta.addElement(dc.Title(text="Interview NL-T02"))
    doc.meta.addElement(meta.InitialCreator(text="Onderzoeksteam"))
    doc.meta.addElement(meta.CreationDate(text="2024-04-03T14:00:00"))
    doc.meta.addElement(dc.Creator(text="Laatste Bewerker"))
    bold = Style(name="T1", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    col = Style(name="Kolom", family="table-column")
    col.addElement(TableColumnProperties(columnwidth="5cm"))
    doc.automaticstyles.addElement(col)
    body = doc.text
    body.addElement(H(outlinelevel=1, text="Interview NL-T02"))
    body.addElement(P(text="Interviewer: Hoe ging het gesprek met de budgetcoach?"))
    p = P()
    p.addElement(Span(stylename=bold, text="Ahmed"))
    teletype.addTextToElement(p, " Goed, ze dacht echt met me mee.")
    body.addElement(p)
    p = P()
    p.addText("Interviewer:    Wat   deed")
    p.addElement(S(c=2))
    p.addText("ze")
    p.addElement(Tab())
    p.addText("precies?")
    p.addElement(LineBreak())
    p.addText("En daarna?")
    body.addElement(p)
    p = P(text="Ahmed: Ze belde de woningcorporatie")
    note = Note(id="ftn1", noteclass="footnote")
    note.addElement(NoteCitation(text="1"))
    nb = NoteBody()
    nb.addElement(P(text="Voetnoot: corporatie Eigen Haard."))
    note.addElement(nb)
    p.addElement(note)
    p.addText(" en regelde uitstel.")
    ann = Annotation()
    ann.addElement(dc.Creator(text="Codeur"))
    ann.addElement(P(text="Commentaar hoort er niet bij."))
    p.addElement(ann)
    body.addElement(p)
    # Tracked changes: one deletion (kept in the change region) and one insertion.
    tc = TrackedChanges()
    region = ChangedRegion(qattributes={(TEXTNS, "id"): "ct1", (XMLNS, "id"): "ct1"})
    deletion = Deletion()
    deletion.addElement(change_info())
    deletion.addElement(P(text="Geschrapte zin."))
    region.addElement(deletion)
    tc.addElement(region)
    region = ChangedRegion(qattributes={(TEXTNS, "id"): "ct2", (XMLNS, "id"): "ct2"})
    ins = Insertion()
    ins.addElement(change_info())
    region.addElement(ins)
    tc.addElement(region)
    body.insertBefore(tc, body.firstChild)
    p = P(text="Ahmed: Dat was")
    p.addElement(Change(changeid="ct1"))
    p.addText(" heel fijn")
    p.addElement(ChangeStart(changeid="ct2"))
    p.addText(", echt")
    p.addElement(ChangeEnd(changeid="ct2"))
    p.addText(".")
    body.addElement(p)
    table = Table(name="Gesprek")
    table.addElement(TableColumn(stylename=col, numbercolumnsrepeated=2))
    for who, said in [
        ("Interviewer", "En de gemeente?"),
        ("Ahmed", "Die heb ik niet gesproken."),
        ("Interviewer", "Waarom niet?"),
        ("Ahmed", "Niemand heeft mij gebeld."),
    ]:
        tr = TableRow()
        for text in (who, said):
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=text))
            tr.addElement(cell)
        table.addElement(tr)
    body.addElement(table)
    path = out("transcript.odt")
    doc.save(path)
    normalize_zip(path, order=lambda n: (n != "mimetype", 0))
    write_source(
        "transcript-odt",
        "\n".join(
            [
                "Interview NL-T02",
                "Interviewer: Hoe ging het gesprek met de budgetcoach?",
                "Ahmed Goed, ze dacht echt met me mee.",
                "Interviewer: Wat deed ze precies? En daarna?",
                "Ahmed: Ze belde de woningcorporatie en regelde uitstel.",
                "Ahmed: Dat was heel fijn, echt.",
                "Interviewer En de gemeente?",
                "Ahmed Die heb ik niet gesproken.",
                "Interviewer Waarom niet?",
                "Ahmed Niemand heeft mij gebeld.",
            ]
        ),
    )


def minimal_docx(document_xml, extra=None, main="word/document.xml", strict=False):
    """A small hand-made package around `document_xml`."""
    officedoc = (
        "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
        if strict
        else "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{main}" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{officedoc}" Target="{main}"/>'
            "</Relationships>"
        ),
        main: document_xml,
    }
    parts.update(extra or {})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=FIXED)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def write_bytes(name, data):
    with open(out(name), "wb") as f:
        f.write(data)


def strict():
    ns = "http://purl.oclc.org/ooxml/wordprocessingml/main"
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<ns0:document xmlns:ns0="{ns}" conformance="strict"><ns0:body>'
        "<ns0:p><ns0:r><ns0:t>I: Is dit Strict OOXML?</ns0:t></ns0:r></ns0:p>"
        '<ns0:p><ns0:r><ns0:rPr><ns0:b ns0:val="true"/></ns0:rPr><ns0:t>Joost</ns0:t></ns0:r>'
        '<ns0:r><ns0:t xml:space="preserve"> Ja, met een andere naam voor het hoofddeel.</ns0:t>'
        "</ns0:r></ns0:p>"
        "</ns0:body></ns0:document>"
    )
    write_bytes("strict.docx", minimal_docx(xml, main="word/main-document.xml", strict=True))
    write_source("strict", "I: Is dit Strict OOXML?\nJoost Ja, met een andere naam voor het hoofddeel.")


def doctype_entities():
    lol = "".join(
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10)
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE w:document [<!ENTITY lol0 "lol">{lol}]>\n'
        f'<w:document xmlns:w="{W_NS}"><w:body>'
        "<w:p><w:r><w:t>Interviewer: Test&lol9; einde &amp; &#233;&#x20AC; &lt;ok&gt;.</w:t></w:r></w:p>"
        "</w:body></w:document>"
    )
    write_bytes("doctype-entities.docx", minimal_docx(xml))


# --- Broken fixtures --------------------------------------------------------------------


def broken():
    with open(out("plain.docx"), "rb") as f:
        plain_bytes = f.read()
    write_bytes("truncated.docx", plain_bytes[: len(plain_bytes) * 3 // 5])

    good = (
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>I: Hallo.</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    write_bytes("evil-path.docx", minimal_docx(good, extra={"../evil.xml": "<evil/>"}))

    padding = " " * (4 << 20)
    bomb = (
        f'<w:document xmlns:w="{W_NS}"><w:body>{padding}'
        "<w:p><w:r><w:t>I: Groot bestand.</w:t></w:r></w:p></w:body></w:document>"
    )
    write_bytes("bomb.docx", minimal_docx(bomb))

    data = bytearray(minimal_docx(good))
    # Set the "encrypted" flag (bit 0 of the general purpose flags) on every entry, in the
    # local headers (offset 6) and the central directory (offset 8).
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(sig)
        while at != -1:
            data[at + off] |= 1
            at = data.find(sig, at + 4)
    write_bytes("encrypted-flag.docx", bytes(data))

    ole = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)
    write_bytes("old-word.doc", ole)
    names = b"".join(n.encode("utf-16-le") + bytes(64 - 2 * len(n)) for n in ("EncryptionInfo", "EncryptedPackage"))
    write_bytes("encrypted-ooxml.docx", ole + bytes(512) + names)
    write_bytes("empty.docx", b"")

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("readme.txt", date_time=FIXED), "Geen Word-document.\n")
    write_bytes("not-word.docx", buf.getvalue())


# --- LibreOffice-written files ----------------------------------------------------------


def libreoffice():
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("soffice not found: keeping libreoffice.docx / libreoffice.odt as they are")
        return
    with tempfile.TemporaryDirectory() as tmp:
        profile = "file://" + os.path.join(tmp, "profile")
        for src, fmt, dest in (
            ("transcript.odt", "docx", "libreoffice.docx"),
            ("speaker-table.docx", "odt", "libreoffice.odt"),
        ):
            subprocess.run(
                [soffice, f"-env:UserInstallation={profile}", "--headless",
                 "--convert-to", fmt, "--outdir", tmp, out(src)],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            converted = os.path.join(tmp, os.path.splitext(src)[0] + "." + fmt)
            shutil.copyfile(converted, out(dest))
            normalize_zip(out(dest), order=(lambda n: (n != "mimetype", 0)) if fmt == "odt" else None)


# --- The sample interview ---------------------------------------------------------------


def sample():
    with open(os.path.join(SOURCE, "nl-15-word.txt"), encoding="utf-8") as f:
        blocks = [b.strip() for b in f.read().split("\n\n") if b.strip()]
    title, turns = blocks[0], blocks[1:]
    d = new_document(
        "Interview NL15 Enschede",
        author="Onderzoeksteam",
        created=dt.datetime(2025, 5, 14, 10, 0, 0, tzinfo=dt.timezone.utc),
    )
    d.add_paragraph(title, style="Title")
    table = d.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for block in turns:
        who, first = block.split(": ", 1)
        paragraphs = [first.split("\n")[0]] + block.split("\n")[1:]
        cells = table.add_row().cells
        cells[0].text = who
        cells[0].width = Cm(3)
        cells[1].width = Cm(13)
        cells[1].text = paragraphs[0]
        for para in paragraphs[1:]:
            cells[1].add_paragraph(para)
    save_docx(d, "nl-15-word.docx", os.path.join(ROOT, "samples"))


def main():
    os.makedirs(SOURCE, exist_ok=True)
    plain()
    speaker_table()
    tables_mixed()
    tracked_changes()
    linebreaks()
    properties()
    odt()
    strict()
    doctype_entities()
    broken()
    if "--no-libreoffice" not in sys.argv:
        libreoffice()
    sample()


if __name__ == "__main__":
    main()
