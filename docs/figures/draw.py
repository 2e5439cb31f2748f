# ruff: noqa: E501 — label tables read best one step a line
"""Draws the portal's four explanatory diagrams, one SVG per language, into
content/figures/<key>/{fr,en}.svg. Run it after changing a label:

    .venv/bin/python docs/figures/draw.py

Layout rules (DESIGN.md, accessibility): a 400-unit-wide drawing shown at most
400 px wide and at least 328 px on a 360 px phone, so 18-unit labels are at
least 14.8 px; dark text (#1a1a1a) on light fills (contrast above 12:1); each
drawing has its own white background, readable in a dark page; numbers,
shapes and line styles carry the meaning, never colour alone.
"""

from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "content" / "figures"
W = 400
INK, BLUE, RED, GREEN, GREY = "#1a1a1a", "#1f4e79", "#8b1e1e", "#1e5e2e", "#555555"
FILL_BLUE, FILL_RED, FILL_GREEN, FILL_SAND = "#e8f0fa", "#fbe9e7", "#e6f4ea", "#fdf3e1"
FONT = 'font-family="Atkinson Hyperlegible, Verdana, Arial, sans-serif"'


def text(x, y, lines, size=18, weight="normal", anchor="start", fill=INK):
    spans = "".join(
        f'<tspan x="{x}" dy="{0 if i == 0 else round(size * 1.25)}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" '
        f'text-anchor="{anchor}" fill="{fill}">{spans}</text>'
    )


def svg(height, title, desc, body, lang):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height}" width="{W}" '
        f'height="{height}" role="img" aria-labelledby="t d" lang="{lang}" {FONT}>\n'
        f'<title id="t">{escape(title)}</title>\n<desc id="d">{escape(desc)}</desc>\n'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0 0L10 5L0 10z" fill="{INK}"/></marker>'
        "</defs>\n"
        f'<rect x="1" y="1" width="{W - 2}" height="{height - 2}" rx="12" fill="#ffffff" '
        f'stroke="{GREY}" stroke-width="2"/>\n' + "\n".join(body) + "\n</svg>\n"
    )


def arrow(x1, y1, x2, y2):
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{INK}" stroke-width="3" '
        'marker-end="url(#arrow)"/>'
    )


def number(x, y, n):
    return f'<circle cx="{x}" cy="{y}" r="15" fill="{BLUE}"/>' + text(
        x, y + 6, [str(n)], 18, "bold", "middle", "#ffffff"
    )


def t_cell(x, y, r=18, car=False):
    out = [
        f'<circle cx="{x}" cy="{y}" r="{r}" fill="{FILL_BLUE}" stroke="{BLUE}" stroke-width="3"/>'
    ]
    if car:  # the receptor: small Y shapes around the cell
        for dx, dy in ((0, -1), (1, 0), (0, 1), (-1, 0)):
            bx, by = x + dx * r, y + dy * r
            tx, ty = x + dx * (r + 9), y + dy * (r + 9)
            px, py = -dy * 5, dx * 5
            out.append(
                f'<path d="M{bx} {by}L{tx} {ty}M{tx} {ty}L{tx + px + dx * 5} {ty + py + dy * 5}'
                f'M{tx} {ty}L{tx - px + dx * 5} {ty - py + dy * 5}" stroke="{GREEN}" '
                'stroke-width="3" fill="none" stroke-linecap="round"/>'
            )
    out.append(text(x, y + 6, ["T"], 17, "bold", "middle", BLUE))
    return "".join(out)


def cancer_cell(x, y, r=20):
    points = []
    for i in range(12):
        import math

        radius = r if i % 2 == 0 else r * 0.72
        angle = math.pi * 2 * i / 12
        points.append(f"{x + radius * math.cos(angle):.1f},{y + radius * math.sin(angle):.1f}")
    return (
        f'<polygon points="{" ".join(points)}" fill="{FILL_RED}" stroke="{RED}" '
        'stroke-width="3" stroke-linejoin="round"/>'
    )


def bag(x, y):
    """A drip bag with its tube."""
    return (
        f'<rect x="{x - 16}" y="{y - 26}" width="32" height="40" rx="6" fill="{FILL_SAND}" '
        f'stroke="{INK}" stroke-width="2.5"/>'
        f'<path d="M{x} {y + 14}V{y + 30}" stroke="{INK}" stroke-width="2.5"/>'
        f'<path d="M{x - 10} {y - 12}H{x + 10}M{x - 10} {y - 2}H{x + 10}" stroke="{GREY}" '
        'stroke-width="2"/>'
    )


def flask(x, y):
    return (
        f'<path d="M{x - 8} {y - 26}V{y - 8}L{x - 24} {y + 22}H{x + 24}L{x + 8} {y - 8}V{y - 26}z" '
        f'fill="{FILL_GREEN}" stroke="{INK}" stroke-width="2.5" stroke-linejoin="round"/>'
    )


def step_box(y, height, n, title, lines, picture):
    return [
        f'<rect x="16" y="{y}" width="{W - 32}" height="{height}" rx="10" fill="#f7f9fc" '
        f'stroke="{BLUE}" stroke-width="2"/>',
        number(38, y + 24, n),
        picture,
        text(112, y + 30, [title], 19, "bold"),
        text(112, y + 56, lines),
    ]


# --- 1. CAR-T -----------------------------------------------------------------------------------

CAR_T = {
    "fr": {
        "title": "Comment on fabrique et on donne les cellules CAR-T",
        "desc": "Six étapes, de haut en bas : 1 prélèvement de vos lymphocytes T ; 2 au "
        "laboratoire, on leur ajoute un gène qui leur donne un récepteur, le CAR ; 3 ils "
        "se multiplient ; 4 une chimiothérapie légère, la lymphodéplétion, leur fait de la "
        "place ; 5 on vous les redonne par perfusion ; 6 dans votre corps, la cellule CAR-T "
        "reconnaît la cellule cancéreuse et la détruit.",
        "steps": [
            ("Le prélèvement", ["On recueille vos", "lymphocytes T", "(leucaphérèse)."]),
            (
                "Au laboratoire",
                ["On leur ajoute un gène :", "ils portent un récepteur,", "le CAR."],
            ),
            ("La multiplication", ["Ils se multiplient", "par millions.", "(3 à 6 semaines)"]),
            ("La lymphodéplétion", ["Une chimiothérapie", "légère leur fait", "de la place."]),
            ("La perfusion", ["On vous redonne vos", "cellules CAR-T,", "comme une transfusion."]),
            (
                "Dans votre corps",
                ["La cellule CAR-T", "reconnaît la cellule", "cancéreuse et la détruit."],
            ),
        ],
    },
    "en": {
        "title": "How CAR-T cells are made and given",
        "desc": "Six steps, top to bottom: 1 your T cells are collected; 2 in the laboratory "
        "a gene is added that gives them a receptor, the CAR; 3 they multiply; 4 a mild "
        "chemotherapy, lymphodepletion, makes room for them; 5 they are given back to you "
        "by a drip; 6 in your body the CAR-T cell finds the cancer cell and destroys it.",
        "steps": [
            ("Collection", ["Your T cells are", "collected from your", "blood (leukapheresis)."]),
            (
                "In the laboratory",
                ["A gene is added:", "the cells now carry", "a receptor, the CAR."],
            ),
            ("Multiplying", ["They multiply into", "millions of cells.", "(3 to 6 weeks)"]),
            ("Lymphodepletion", ["A mild chemotherapy", "makes room for", "the new cells."]),
            ("The infusion", ["Your CAR-T cells", "are given back,", "like a transfusion."]),
            ("In your body", ["The CAR-T cell finds", "the cancer cell and", "destroys it."]),
        ],
    },
}


def draw_car_t(labels, lang):
    pictures = [
        lambda y: t_cell(70, y + 70),
        lambda y: flask(70, y + 74) + t_cell(70, y + 78, 11, False),
        lambda y: "".join(
            t_cell(70 + dx, y + 62 + dy, 11, True) for dx, dy in ((-16, 0), (16, 0), (0, 28))
        ),  # fmt: skip
        lambda y: bag(70, y + 70),
        lambda y: bag(70, y + 64) + t_cell(70, y + 72, 8, False),
        lambda y: t_cell(56, y + 74, 16, True) + cancer_cell(86, y + 82, 16),
    ]
    body, y, height = [], 14, 112
    for n, ((title, lines), picture) in enumerate(zip(labels["steps"], pictures, strict=True), 1):
        body += step_box(y, height, n, title, lines, picture(y))
        if n < len(pictures):
            body.append(arrow(W / 2, y + height + 2, W / 2, y + height + 22))
        y += height + 26
    return svg(y - 12, labels["title"], labels["desc"], body, lang)


# --- 2. Autograft and allograft ----------------------------------------------------------------

TRANSPLANTS = {
    "fr": {
        "title": "Autogreffe et allogreffe, côte à côte",
        "desc": "Deux colonnes. À gauche, l'autogreffe : 1 on prélève vos propres cellules "
        "souches ; 2 elles sont congelées ; 3 le conditionnement, une chimiothérapie forte ; "
        "4 on vous redonne vos cellules par perfusion. À droite, l'allogreffe : 1 on prélève "
        "les cellules souches d'un donneur compatible ; 2 le donneur est de votre famille ou "
        "non ; 3 le conditionnement ; 4 on vous donne les cellules du donneur par perfusion.",
        "heads": ["Autogreffe", "Allogreffe"],
        "rows": [
            (
                ["Vos propres", "cellules souches", "sont prélevées."],
                ["Les cellules", "souches d'un", "donneur sont", "prélevées."],
            ),
            (
                ["Elles sont", "congelées", "et gardées."],
                ["Donneur", "compatible :", "famille ou", "fichier."],
            ),
            (
                ["Conditionnement :", "chimiothérapie", "forte."],
                ["Conditionnement :", "chimiothérapie", "± rayons."],
            ),
            (["Perfusion de", "vos cellules."], ["Perfusion des", "cellules du", "donneur."]),
        ],
        "person": ["Vous", "Donneur"],
    },
    "en": {
        "title": "Autologous and allogeneic transplants, side by side",
        "desc": "Two columns. Left, the autologous transplant: 1 your own stem cells are "
        "collected; 2 they are frozen; 3 conditioning, a strong chemotherapy; 4 your cells "
        "are given back by a drip. Right, the allogeneic transplant: 1 stem cells are "
        "collected from a matched donor; 2 the donor is a relative or a volunteer; "
        "3 conditioning; 4 the donor's cells are given to you by a drip.",
        "heads": ["Autologous", "Allogeneic"],
        "rows": [
            (
                ["Your own", "stem cells are", "collected."],
                ["A donor's", "stem cells are", "collected."],
            ),
            (
                ["They are", "frozen and", "stored."],
                ["Matched donor:", "a relative or", "a volunteer."],
            ),
            (
                ["Conditioning:", "strong", "chemotherapy."],
                ["Conditioning:", "chemotherapy", "± radiation."],
            ),
            (["Infusion of", "your own cells."], ["Infusion of", "the donor's", "cells."]),
        ],
        "person": ["You", "Donor"],
    },
}


def person(x, y, label, fill):
    return (
        f'<circle cx="{x}" cy="{y - 14}" r="9" fill="{fill}" stroke="{INK}" stroke-width="2.5"/>'
        f'<path d="M{x - 14} {y + 14}Q{x} {y - 12} {x + 14} {y + 14}z" fill="{fill}" '
        f'stroke="{INK}" stroke-width="2.5"/>' + text(x + 22, y + 8, [label], 18, "bold")
    )


def draw_transplants(labels, lang):
    body = []
    columns = (16, 206)
    width = 178
    fills = (FILL_BLUE, FILL_SAND)
    for column, (x, head, fill, who) in enumerate(
        zip(columns, labels["heads"], fills, labels["person"], strict=True)
    ):
        body.append(
            f'<rect x="{x}" y="14" width="{width}" height="44" rx="8" fill="{fill}" '
            f'stroke="{INK}" stroke-width="2"/>'
        )
        body.append(text(x + width / 2, 43, [head], 20, "bold", "middle"))
        body.append(person(x + 30, 94, who, fill))
        y = 130
        for n, row in enumerate(labels["rows"], 1):
            lines = row[column]
            height = 146  # four lines of 18
            body.append(
                f'<rect x="{x}" y="{y}" width="{width}" height="{height}" rx="8" '
                f'fill="#f7f9fc" stroke="{BLUE}" stroke-width="2" '
                f"{'stroke-dasharray="7 5"' if column else ''}/>"
            )
            body.append(number(x + 22, y + 24, n))
            body.append(text(x + 12, y + 64, lines, 18))
            if n < len(labels["rows"]):
                body.append(arrow(x + width / 2, y + height + 2, x + width / 2, y + height + 20))
            y += height + 24
    return svg(y - 6, labels["title"], labels["desc"], body, lang)


# --- 3. The blood cells ---------------------------------------------------------------------------

BLOOD = {
    "fr": {
        "title": "Les cellules du sang et leur rôle",
        "desc": "Les cellules du sang sont fabriquées dans la moelle osseuse. Les globules "
        "rouges transportent l'oxygène : trop bas, vous êtes fatigué et essoufflé. Les "
        "globules blancs combattent les infections : trop bas, infections et fièvre. Les "
        "plaquettes arrêtent les saignements : trop basses, bleus et saignements.",
        "marrow": ["La moelle osseuse, dans les os,", "fabrique les cellules du sang."],
        "rows": [
            (
                "Globules rouges",
                ["Transportent l'oxygène."],
                ["Trop bas : fatigue,", "essoufflement."],
            ),
            (
                "Globules blancs",
                ["Combattent les infections."],
                ["Trop bas : infections,", "fièvre."],
            ),
            ("Plaquettes", ["Arrêtent les saignements."], ["Trop basses : bleus,", "saignements."]),
        ],
    },
    "en": {
        "title": "The blood cells and what each does",
        "desc": "Blood cells are made in the bone marrow. Red cells carry oxygen: when low, "
        "you feel tired and breathless. White cells fight infection: when low, infections "
        "and fever. Platelets stop bleeding: when low, bruising and bleeding.",
        "marrow": ["The bone marrow, inside the bones,", "makes the blood cells."],
        "rows": [
            ("Red cells", ["Carry oxygen."], ["When low: tired,", "breathless."]),
            ("White cells", ["Fight infection."], ["When low: infections,", "fever."]),
            ("Platelets", ["Stop bleeding."], ["When low: bruising,", "bleeding."]),
        ],
    },
}


def red_cell(x, y):
    return (
        f'<ellipse cx="{x}" cy="{y}" rx="26" ry="20" fill="{FILL_RED}" stroke="{RED}" '
        f'stroke-width="3"/><ellipse cx="{x}" cy="{y}" rx="12" ry="8" fill="none" '
        f'stroke="{RED}" stroke-width="2.5"/>'
    )


def white_cell(x, y):
    return (
        f'<circle cx="{x}" cy="{y}" r="24" fill="{FILL_BLUE}" stroke="{BLUE}" stroke-width="3"/>'
        f'<path d="M{x - 12} {y + 4}q-2 -14 10 -12q4 -10 12 -2q8 6 -2 14q-6 8 -12 2q-8 4 -8 -2z" '
        f'fill="{BLUE}" opacity="0.55"/>'
    )


def platelets(x, y):
    return "".join(
        f'<ellipse cx="{x + dx}" cy="{y + dy}" rx="9" ry="6" fill="{FILL_SAND}" stroke="{INK}" '
        'stroke-width="2.5"/>'
        for dx, dy in ((-14, -8), (10, -12), (0, 10), (16, 8))
    )


def draw_blood(labels, lang):
    body = [
        f'<path d="M30 20h340a14 14 0 0 1 0 28a14 14 0 0 1 0 28H30a14 14 0 0 1 0 -28a14 14 0 0 1 '
        f'0 -28z" fill="{FILL_SAND}" stroke="{INK}" stroke-width="2.5"/>',
        text(W / 2, 42, labels["marrow"], 18, "bold", "middle"),
    ]
    pictures = (red_cell, white_cell, platelets)
    y = 104
    for (name, role, low), picture in zip(labels["rows"], pictures, strict=True):
        body.append(arrow(W / 2, y - 20, W / 2, y - 2))
        body.append(
            f'<rect x="16" y="{y}" width="{W - 32}" height="138" rx="10" fill="#f7f9fc" '
            f'stroke="{BLUE}" stroke-width="2"/>'
        )
        body.append(picture(64, y + 44))
        body.append(text(108, y + 36, [name], 20, "bold"))
        body.append(text(108, y + 62, role, 18))
        body.append(
            f'<path d="M108 {y + 76}h272" stroke="{GREY}" stroke-width="1.5" '
            'stroke-dasharray="4 4"/>'
        )
        body.append(text(108, y + 100, low, 18, "normal", "start", RED))
        y += 138 + 28
    return svg(y - 10, labels["title"], labels["desc"], body, lang)


# --- 4. Central lines -----------------------------------------------------------------------------

LINES = {
    "fr": {
        "title": "Où se trouve une voie veineuse centrale",
        "desc": "Un buste vu de face. 1 : le PICC line entre par une veine du bras. 2 : la "
        "chambre implantable est sous la peau du thorax, sous la clavicule. 3 : le cathéter "
        "tunnellisé sort de la peau du thorax. 4 : le bout de chaque cathéter se trouve "
        "dans une grosse veine, près du cœur.",
        "legend": [
            ("PICC line :", "entre par une veine du bras."),
            ("Chambre implantable :", "sous la peau du thorax."),
            ("Cathéter tunnellisé :", "sort de la peau du thorax."),
            ("Le bout du cathéter :", "près du cœur."),
        ],
        "heart": "cœur",
    },
    "en": {
        "title": "Where a central line sits",
        "desc": "A chest seen from the front. 1: a PICC line goes in through a vein in the "
        "arm. 2: an implanted port sits under the skin of the chest, below the collarbone. "
        "3: a tunnelled line comes out through the skin of the chest. 4: the tip of each "
        "line sits in a large vein, near the heart.",
        "legend": [
            ("PICC line:", "goes in through an arm vein."),
            ("Implanted port:", "under the skin of the chest."),
            ("Tunnelled line:", "comes out of the chest."),
            ("The tip of the line:", "near the heart."),
        ],
        "heart": "heart",
    },
}


def draw_lines(labels, lang):
    body = [
        '<g transform="translate(0 46)">',
        # the outline of a chest, neck and arms
        f'<path d="M170 20a30 34 0 0 1 60 0v18q0 14 18 18l70 18q30 8 34 40l20 190h-34l-22-170'
        f'v196H86V134l-22 170H30l20-190q4-32 34-40l70-18q16-4 16-18z" fill="{FILL_SAND}" '
        f'stroke="{INK}" stroke-width="2.5" stroke-linejoin="round"/>',
        # the heart, with its word
        f'<path d="M186 196c-20-26 10-40 22-20c12-20 42-6 22 20l-22 26z" fill="{FILL_RED}" '
        f'stroke="{RED}" stroke-width="3"/>',
        text(208, 248, [labels["heart"]], 18, "bold", "middle", RED),
        # the large vein to the heart
        f'<path d="M214 60V190" stroke="{BLUE}" stroke-width="7" stroke-linecap="round" '
        'opacity="0.35"/>',
        # 1 PICC line: from the left arm (the person's right) up and into the vein, solid
        f'<path d="M70 262Q74 150 120 112Q170 92 210 112V176" fill="none" stroke="{INK}" '
        'stroke-width="4" stroke-linecap="round"/>',
        # 2 implanted port under the right collarbone, dashed tube
        f'<circle cx="276" cy="118" r="13" fill="#ffffff" stroke="{INK}" stroke-width="4"/>',
        f'<path d="M266 112Q240 96 218 104V176" fill="none" stroke="{INK}" stroke-width="4" '
        'stroke-dasharray="9 6"/>',
        # 3 tunnelled line: out of the chest lower down, dotted
        f'<path d="M300 236Q270 200 262 150Q252 82 222 84V178" fill="none" stroke="{INK}" '
        'stroke-width="4" stroke-dasharray="2 6" stroke-linecap="round"/>',
        f'<path d="M300 236l14 12M300 236l-4 16" stroke="{INK}" stroke-width="4" '
        'stroke-linecap="round"/>',
        # 4 the tips
        f'<circle cx="214" cy="182" r="7" fill="{BLUE}" stroke="#ffffff" stroke-width="2"/>',
    ]
    for n, (x, y) in enumerate(((48, 250), (300, 96), (330, 226), (250, 192)), 1):
        body.append(number(x, y, n))
    body.append("</g>")
    y = 412
    styles = ("", 'stroke-dasharray="9 6"', 'stroke-dasharray="2 6" stroke-linecap="round"', None)
    for n, ((name, what), style) in enumerate(zip(labels["legend"], styles, strict=True), 1):
        body.append(number(34, y + 8, n))
        if style is not None:
            body.append(
                f'<path d="M56 {y + 8}h34" stroke="{INK}" stroke-width="4" {style}/>'.replace(
                    " />", "/>"
                )
            )
        else:
            body.append(f'<circle cx="72" cy="{y + 8}" r="7" fill="{BLUE}"/>')
        body.append(text(100, y + 2, [name], 18, "bold"))
        body.append(text(100, y + 24, [what], 18))
        y += 62
    return svg(y + 2, labels["title"], labels["desc"], body, lang)


FIGURES = {
    "car-t-steps": (draw_car_t, CAR_T),
    "autograft-allograft": (draw_transplants, TRANSPLANTS),
    "blood-cells": (draw_blood, BLOOD),
    "central-lines": (draw_lines, LINES),
}

if __name__ == "__main__":
    for key, (draw, labels) in FIGURES.items():
        folder = ROOT / key
        folder.mkdir(parents=True, exist_ok=True)
        for lang, values in labels.items():
            drawing = draw(values, lang).replace("&#x27;", "\u2019")
            if lang == "fr":  # French typography: a non-breaking space before the colon
                drawing = drawing.replace(" :", "\u00a0:")
            (folder / f"{lang}.svg").write_text(drawing, encoding="utf-8")
            print(folder / f"{lang}.svg")
