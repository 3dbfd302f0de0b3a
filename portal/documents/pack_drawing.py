"""Drawing an uploaded record's pages onto the pack pages WeasyPrint left for them
(packs.py): each page scaled into the margins and tagged as a figure with its alt text.
The pack's structure tree, language, title and outline are untouched but for the
figures; only the pages' drawing comes from the uploaded PDFs.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pikepdf
from pikepdf import Name

from portal.documents.letters import appended_margins_mm
from portal.documents.uploaded_pages import PagePicture

__all__ = ["Placement", "draw_documents"]

_MM = 72 / 25.4


@dataclass(frozen=True)
class Placement:
    source: pikepdf.Page  # a page of an uploaded PDF
    picture: PagePicture | None  # drawn instead of it, when it lacks a font
    page_index: int  # the pack page left for it
    alt: str  # what a screen reader says for it


def draw_documents(pdf: bytes, placements: Sequence[Placement], *, large_print: bool) -> bytes:
    """Draw each uploaded page, scaled into the margins of the page left for it, as a
    tagged figure. The pack's structure tree, language, title and outline are untouched
    but for the figures; only the pages' drawing comes from the uploaded PDFs."""
    pack = pikepdf.open(io.BytesIO(pdf))
    top, right, bottom, left = (mm * _MM for mm in appended_margins_mm(large_print=large_print))
    left_divs = _empty_divs_by_page(pack)
    mcid_arrays = _parent_tree_arrays(pack)
    for placement in placements:
        page = pack.pages[placement.page_index]
        if placement.picture is not None:
            form = _picture_form(pack, placement.picture)
        else:
            form = pack.copy_foreign(placement.source.as_form_xobject())
            _drop_foreign_marked_content_ids(form)
        name = page.add_resource(form, Name.XObject, prefix="Fx")
        box = page.mediabox
        area = pikepdf.Rectangle(
            float(box[0]) + left, float(box[1]) + bottom, float(box[2]) - right, float(box[3]) - top
        )
        drawing = page.calc_form_xobject_placement(
            form, name, area, invert_transformations=True, allow_shrink=True, allow_expand=True
        )
        mcids = mcid_arrays[int(page.obj.StructParents)]
        mcid = len(mcids)
        div = left_divs[page.obj.objgen]
        figure = pack.make_indirect(
            pikepdf.Dictionary(
                Type=Name.StructElem,
                S=Name.Figure,
                P=div,
                Pg=page.obj,
                K=mcid,
                Alt=pikepdf.String(placement.alt),
            )
        )
        div.K = pikepdf.Array([figure])
        mcids.append(figure)
        marked = b"/Figure <</MCID %d>> BDC\n" % mcid + drawing + b"\nEMC\n"
        page.contents_add(pikepdf.Stream(pack, marked), prepend=True)
    out = io.BytesIO()
    pack.save(out)
    return out.getvalue()


def _picture_form(pack: pikepdf.Pdf, picture: PagePicture) -> pikepdf.Object:
    """A form the size of the pictured page that draws the picture over the whole of it."""
    width, height = picture.size
    image = pikepdf.Stream(pack, picture.data)
    image.Type = Name.XObject
    image.Subtype = Name.Image
    image.Width, image.Height = picture.pixels
    for key, value in picture.image_dictionary.items():
        image[key] = value
    drawing = b"q %.4f 0 0 %.4f 0 0 cm /Page Do Q" % (width, height)
    return pikepdf.Stream(
        pack,
        drawing,
        Type=Name.XObject,
        Subtype=Name.Form,
        BBox=pikepdf.Array([0, 0, width, height]),
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Page=pack.make_indirect(image))),
    )


def _empty_divs_by_page(pack: pikepdf.Pdf) -> dict[tuple[int, int], pikepdf.Dictionary]:
    """The structure elements of the empty pages left for uploaded PDFs (children of the
    document element: they follow <main>), by the page they are on."""
    root = pack.Root.StructTreeRoot.K
    document = root[0] if isinstance(root, pikepdf.Array) else root
    children = document.K
    found: dict[tuple[int, int], pikepdf.Dictionary] = {}
    if not isinstance(children, pikepdf.Array):
        return found
    for element in reversed(children):
        if not isinstance(element, pikepdf.Dictionary) or element.get("/S") != Name.Div:
            break
        kids = element.get("/K")
        if "/Pg" in element and (kids is None or (isinstance(kids, pikepdf.Array) and not kids)):
            found[element.Pg.objgen] = element
    return found


def _parent_tree_arrays(pack: pikepdf.Pdf) -> dict[int, pikepdf.Array]:
    """Each page's marked-content-id to structure-element array, by its /StructParents."""
    numbers = pack.Root.StructTreeRoot.ParentTree.Nums
    arrays: dict[int, pikepdf.Array] = {}
    for i in range(0, len(numbers), 2):
        value = numbers[i + 1]
        if isinstance(value, pikepdf.Array):
            arrays[int(numbers[i])] = value
    return arrays


def _drop_foreign_marked_content_ids(form: pikepdf.Object) -> None:
    """A tagged upload's marked-content ids point into its own structure tree, which is
    not copied: keep the marks, drop the ids, so the pack's tags stay consistent."""
    if b"/MCID" not in form.read_bytes():
        return
    instructions: list[Any] = []
    for instruction in pikepdf.parse_content_stream(form):
        operands = instruction.operands
        if (
            isinstance(instruction, pikepdf.ContentStreamInstruction)
            and str(instruction.operator) == "BDC"
            and len(operands) == 2
            and isinstance(operands[1], pikepdf.Dictionary)
            and "/MCID" in operands[1]
        ):
            instruction = pikepdf.ContentStreamInstruction([operands[0]], pikepdf.Operator("BMC"))
        instructions.append(instruction)
    form.write(pikepdf.unparse_content_stream(instructions))
