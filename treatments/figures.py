"""Figures: the images that explain, checked before they are stored, stored
by their hash, and placed in articles when a page is rendered.

Where the bytes live: in the database, content-addressed. A FigureFile row is
named by the SHA-256 of its bytes, and a figure's working and live versions
each point to their own FigureFile (publishing copies the pointer, as any
other field). A new image uploaded to a working version is a new row with a
new name: the live version keeps pointing to the image that was reviewed
until a reviewer publishes, so what patients see is exactly what was
reviewed. The same database holds the text and the images (one backup, every
app host sees them at once, no shared disk), and the hashed address
/figures/<sha256>.<ext> never changes meaning, so browsers keep it a year.

SVG labels are translated by drawing one SVG per language (fr, en): a label
is part of the drawing's layout, which a translator checks by looking at it.

Hostile files: an SVG is parsed with defusedxml (no DTD, no entity) and
refused, never silently cleaned, when it holds anything outside an
allow-list (script, event handlers, <foreignObject>, a reference to another
document or origin, CSS that loads something): a cleaned drawing would not
be the drawing that was reviewed. A raster image must be the type its name
says, within MAX_PIXELS, and is re-encoded without its metadata (EXIF, GPS,
comments), with smaller WebP copies for phones.
"""

import hashlib
import io
import re
from dataclasses import dataclass, field
from html import escape

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .markdown import french_typography, image_references

MAX_FIGURE_BYTES = 5_000_000  # an uploaded image (a phone photo is 2-4 MB)
MAX_PIXELS = 25_000_000  # decoded, a 25-megapixel RGBA image is 100 MB of memory
VARIANT_WIDTHS = (480, 960)  # phone-sized copies of raster images, for srcset
VARIANT_QUALITY = 80

# Extension -> (Pillow format or "SVG", content type).
TYPES = {
    "svg": ("SVG", "image/svg+xml"),
    "png": ("PNG", "image/png"),
    "jpg": ("JPEG", "image/jpeg"),
    "jpeg": ("JPEG", "image/jpeg"),
    "webp": ("WEBP", "image/webp"),
}
EXTENSIONS = {"image/svg+xml": "svg", "image/png": "png", "image/jpeg": "jpg",
              "image/webp": "webp"}  # fmt: skip


class FigureRefused(Exception):
    """The image was refused; the message says why (translated for the admin)."""


@dataclass
class PreparedImage:
    """An image checked and ready to store, with its smaller copies."""

    data: bytes
    content_type: str
    width: int
    height: int
    variants: list = field(default_factory=list)  # [PreparedImage] smaller copies

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def prepare(data: bytes, filename: str) -> PreparedImage:
    """Checks an image file and returns what to store; raises FigureRefused."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in TYPES:
        raise FigureRefused(_("A figure must be an SVG, PNG, JPEG or WebP file."))
    if len(data) > MAX_FIGURE_BYTES:
        raise FigureRefused(too_large(len(data)))
    image_format, content_type = TYPES[extension]
    if image_format == "SVG":
        width, height = check_svg(data)
        return PreparedImage(data, content_type, width, height)
    return _prepare_raster(data, image_format, content_type)


def too_large(size: int) -> str:
    return _("This image has %(size)s bytes; a figure can have at most %(limit)s.") % {
        "size": number_format(size, force_grouping=True),
        "limit": number_format(MAX_FIGURE_BYTES, force_grouping=True),
    }


# --- SVG ---------------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SVG_ELEMENTS = {
    "svg", "g", "defs", "title", "desc", "path", "rect", "circle", "ellipse", "line",
    "polyline", "polygon", "text", "tspan", "marker", "linearGradient", "radialGradient",
    "stop", "clipPath", "use", "symbol", "style",
}  # fmt: skip
SVG_ATTRIBUTES = {
    "id", "class", "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy",
    "r", "rx", "ry", "d", "points", "transform", "fill", "fill-opacity", "fill-rule", "stroke",
    "stroke-width", "stroke-dasharray", "stroke-linecap", "stroke-linejoin", "stroke-opacity",
    "opacity", "font-size", "font-family", "font-weight", "font-style", "text-anchor",
    "dominant-baseline", "letter-spacing", "dx", "dy", "role", "aria-label", "aria-labelledby",
    "aria-hidden", "lang", XML_LANG, "preserveAspectRatio", "markerWidth", "markerHeight",
    "refX", "refY", "orient", "markerUnits", "offset", "stop-color", "stop-opacity",
    "gradientUnits", "clip-path", "marker-start", "marker-mid", "marker-end", "href",
    XLINK_HREF, "style", "version", "paint-order", "focusable",
}  # fmt: skip
# CSS may refer to parts of the drawing (url(#arrow)), never load anything.
_CSS_LOADS = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)|@import|expression\s*\(", re.IGNORECASE)
_PROCESSING = re.compile(rb"<\?(?!xml[\s?])", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(?:px)?\s*$")


def _refuse_svg(problem):
    raise FigureRefused(
        _("This SVG file was refused: %(problem)s. Remove it from the drawing and upload it again.")
        % {"problem": problem}
    )


def _local_name(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def check_svg(data: bytes) -> tuple[int, int]:
    """The drawing's width and height, or FigureRefused: it is stored as it is."""
    if _PROCESSING.search(data):
        _refuse_svg(_("a processing instruction (<?…?>)"))
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        _refuse_svg(_("a document type or an entity (<!DOCTYPE>, <!ENTITY>)"))
    except Exception:  # noqa: BLE001 — any parse error: not well-formed XML
        raise FigureRefused(_("This file is not a well-formed SVG drawing.")) from None
    if root.tag != f"{SVG}svg":
        raise FigureRefused(_("This file is not an SVG drawing (its root is not <svg>)."))
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.tag.startswith(SVG):
            _refuse_svg(_("an element that is not SVG (%(name)s)") % {"name": element.tag})
        name = _local_name(element.tag)
        if name not in SVG_ELEMENTS:
            _refuse_svg(_("the element <%(name)s>") % {"name": name})
        if name == "style" and _CSS_LOADS.search(element.text or ""):
            _refuse_svg(_("a style that loads something (url(), @import)"))
        for attribute, value in element.attrib.items():
            local = _local_name(attribute)
            if local.lower().startswith("on"):
                _refuse_svg(_("an event handler (%(name)s)") % {"name": local})
            if attribute not in SVG_ATTRIBUTES:
                _refuse_svg(_("the attribute %(name)s") % {"name": local})
            if local == "href" and not value.strip().startswith("#"):
                _refuse_svg(_("a link to another document (%(href)s)") % {"href": value[:80]})
            if _CSS_LOADS.search(value):
                _refuse_svg(_("a style that loads something (url(), @import)"))
    return _svg_size(root)


def _svg_size(root) -> tuple[int, int]:
    width, height = (_NUMBER.match(root.get(name, "")) for name in ("width", "height"))
    if width and height:
        return round(float(width.group(1))), round(float(height.group(1)))
    box = root.get("viewBox", "").replace(",", " ").split()
    try:
        box_width, box_height = float(box[2]), float(box[3])
    except (IndexError, ValueError):
        raise FigureRefused(_("An SVG figure needs a viewBox (or a width and a height).")) from None
    if box_width <= 0 or box_height <= 0:
        raise FigureRefused(_("An SVG figure needs a viewBox (or a width and a height)."))
    return round(box_width), round(box_height)


# --- Raster images ------------------------------------------------------------------------------


def _prepare_raster(data, image_format, content_type) -> PreparedImage:
    not_it = FigureRefused(
        _("This file is not a %(format)s image, as its name says.") % {"format": image_format}
    )
    try:
        image = Image.open(io.BytesIO(data), formats=[image_format])
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise not_it from None
    width, height = image.size
    if width * height > MAX_PIXELS:  # checked before decoding the pixels
        raise FigureRefused(
            _("This image has %(pixels)s pixels; a figure can have at most %(limit)s.")
            % {
                "pixels": number_format(width * height, force_grouping=True),
                "limit": number_format(MAX_PIXELS, force_grouping=True),
            }
        )
    try:
        image.load()
        image = ImageOps.exif_transpose(image)  # turned as the camera held it, then EXIF goes
    except (OSError, ValueError, Image.DecompressionBombError):
        raise not_it from None
    clean = _encode(image, image_format)
    variants = [
        _encode(_resized(image, wanted), "WEBP", quality=VARIANT_QUALITY)
        for wanted in VARIANT_WIDTHS
        if wanted < image.width
    ]
    return PreparedImage(clean.data, content_type, clean.width, clean.height, variants)


def _resized(image, width):
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def _encode(image, image_format, quality=88) -> PreparedImage:
    """The image's pixels alone: no EXIF, GPS, ICC, XMP or text chunks."""
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    options = {"PNG": {"optimize": True}, "JPEG": {"quality": quality, "optimize": True,
               "progressive": True}, "WEBP": {"quality": quality, "method": 6}}  # fmt: skip
    image.save(out, image_format, **options[image_format])
    content_type = next(t for f, t in TYPES.values() if f == image_format)
    return PreparedImage(out.getvalue(), content_type, image.width, image.height)


# --- Storing -------------------------------------------------------------------------------------


def store(prepared: PreparedImage):
    """The FigureFile of a prepared image (and of its copies), created if new."""
    from .models import FigureFile

    variants = [
        [variant.width, variant.height, _store_one(FigureFile, variant, []).name]
        for variant in prepared.variants
    ]
    return _store_one(FigureFile, prepared, variants)


def _store_one(model, prepared, variants):
    stored, _created = model.objects.get_or_create(
        sha256=prepared.sha256,
        defaults={
            "content_type": prepared.content_type,
            "width": prepared.width,
            "height": prepared.height,
            "data": prepared.data,
            "variants": variants,
        },
    )
    return stored


def validate_markdown_images(value: str) -> None:
    """For the admin's text fields: an image must be one of our figures, placed
    by its key (`![](figure:key)`); an address of another site is never shown."""
    from django.core.exceptions import ValidationError

    from .models import Figure

    keys, others = image_references(value or "")
    if others:
        raise ValidationError(
            _(
                "Images are placed as figures only: add the image as a figure, then write "
                "![](figure:its-key). This text holds another image: %(image)s"
            ),
            code="image",
            params={"image": others[0][:100]},
        )
    known = set(Figure.objects.working().filter(key__in=keys).values_list("key", flat=True))
    if unknown := [key for key in keys if key not in known]:
        raise ValidationError(
            _("No figure has the key “%(key)s”: add it first, or correct the key."),
            code="figure",
            params={"key": unknown[0]},
        )


def file_url(name: str) -> str:
    return reverse("figure-file", args=[name])


# --- Placing figures in a page ------------------------------------------------------------------

# What render_markdown leaves where Markdown places a figure (markdown.py).
_PLACEHOLDER = re.compile(r'<figure data-figure="([a-z0-9-]+)"></figure>')
# The widths a figure is shown at: the article's column, never wider (site.css).
SIZES = "(max-width: 44rem) calc(100vw - 2rem), 42rem"


def has_figures(html: str) -> bool:
    return '<figure data-figure="' in html


def place_figures(html: str, markup: dict) -> str:
    """Each placeholder replaced by its figure's markup; nothing where the figure
    is not in `markup` (not published, or withdrawn)."""
    return _PLACEHOLDER.sub(lambda match: markup.get(match.group(1), ""), html)


def figure_markup(figure, language: str) -> str:
    """<figure> with its image, alternative text and caption in `language`."""
    image = figure.image_for(language)
    attributes = {
        "src": file_url(image.name),
        "alt": figure.alt,
        "width": image.width,
        "height": image.height,
        "loading": "lazy",  # below the summary, the contents and the urgent box
        "decoding": "async",
    }
    if image.variants:
        candidates = [f"{file_url(name)} {width}w" for width, _height, name in image.variants]
        attributes["srcset"] = ", ".join([*candidates, f"{file_url(image.name)} {image.width}w"])
        attributes["sizes"] = SIZES
    img = " ".join(f'{name}="{escape(str(value))}"' for name, value in attributes.items())
    caption, credit = figure.caption, ", ".join(filter(None, [figure.credit, figure.licence]))
    if language == "fr":
        caption, credit = french_typography(escape(caption)), french_typography(escape(credit))
    else:
        caption, credit = escape(caption), escape(credit)
    return (
        f'<figure class="figure"><img {img}><figcaption>{caption} '
        f"<small>{credit}</small></figcaption></figure>"
    )
