"""The station's printed documents, built from plain data.

Each builder takes a translator (for the station's locale), the station's contact block
and the data of what is printed, and returns a :class:`~printing.document.Document`.
"""

from __future__ import annotations

from deskapp.printing.thermal.blocks import (
    Barcode,
    Blank,
    Document,
    Field,
    QRCode,
    Rule,
    Signature,
    Text,
)


def _contact(tr, station: dict) -> list:
    blocks = [Rule(), Text(station["name"], align="center", bold=True)]
    for key in ("phone", "address", "hours", "email", "line"):
        if station.get(key):
            blocks.append(Field(tr.t(f"doc.contact_{key}"), station[key]))
    return blocks


def queue_ticket(tr, station: dict, ticket: dict) -> Document:
    """ticket: code, service, issued (local text), ahead."""
    return Document("queue_ticket", (
        Text(station["name"], align="center", bold=True),
        Text(tr.t("doc.queue_title"), align="center"),
        Blank(),
        Text(ticket["code"], align="center", bold=True, big=True),
        Blank(),
        Field(tr.t("doc.service"), tr.t(f"service.{ticket['service']}")),
        Field(tr.t("doc.issued"), ticket["issued"]),
        Field(tr.t("doc.ahead"), tr.t("doc.ahead_count", count=ticket["ahead"])),
        Blank(),
        # the ticket is the queue number: it says where to wait, not to go and take one
        Text(tr.phrase("queue.ticket_others_waiting" if ticket["ahead"] else "queue.ticket_nobody_waiting")),
    ))


def voucher(tr, station: dict, order: dict) -> Document:
    """The pickup voucher (取機憑證). ``order``: number, check_code, customer, phone_masked,
    device, serial, fault, accessories, appearance, warranty, fees, promised, received."""
    blocks = [
        Text(station["name"], align="center", bold=True),
        Text(tr.t("doc.voucher_title"), align="center", bold=True, big=True),
        Blank(),
        Text(order["number"], align="center", bold=True, big=True),
        Barcode(order["number"]),
        Field(tr.t("doc.check_code"), order["check_code"]),
        Field(tr.t("doc.received"), order["received"]),
        Rule(),
        Field(tr.t("doc.customer"), order["customer"]),
        Field(tr.t("doc.phone"), order["phone_masked"]),
        Field(tr.t("doc.device"), order["device"]),
        Field(tr.t("doc.serial"), order["serial"]),
        Field(tr.t("doc.fault"), order["fault"]),
        Field(tr.t("doc.accessories"), order["accessories"] or tr.t("doc.none")),
        Field(tr.t("doc.appearance"), order["appearance"] or tr.t("doc.none")),
        Rule(),
        Field(tr.t("doc.warranty"), order["warranty"]),
    ]
    for fee in order["fees"]:
        blocks.append(Text("* " + fee))
    blocks += [
        Field(tr.t("doc.promised"), order["promised"]),
        Text(tr.t("doc.backup_given"), bold=True),
        Rule(),
        Text(tr.t("doc.terms_title"), bold=True),
    ]
    blocks += [Text(f"{i}. {tr.t(f'doc.term_{i}')}") for i in range(1, 5)]
    blocks += [
        Signature(tr.t("doc.signature")),
        Blank(),
        Text(tr.t("doc.progress", number=order["number"], phone=station.get("phone", ""))),
        QRCode(order["number"]),
        *_contact(tr, station),
    ]
    return Document("voucher", tuple(blocks))


def device_tag(tr, order: dict) -> Document:
    """The small tag that travels with the device: order number and its barcode."""
    return Document("tag", (
        Text(order["number"], align="center", bold=True, big=True),
        Barcode(order["number"]),
        Field(tr.t("doc.customer"), order["customer"]),
        Field(tr.t("doc.device"), order["device"]),
        Field(tr.t("doc.received"), order["received"]),
    ))


def repair_order(tr, station: dict, d: dict) -> Document:
    """The repair order (維修單) as a thermal receipt: the customer's copy, in short."""
    blocks = [
        Text(station["name"], align="center", bold=True),
        Text(tr.t("doc.repair_order_title"), align="center", bold=True, big=True),
        Text(d["number"], align="center", bold=True),
        Barcode(d["number"]),
        Text(tr.t("doc.copy_customer"), align="center"),
        Field(tr.t("doc.received"), d["received"]),
        Field(tr.t("doc.released"), d["released"] or "-"),
        Rule(),
        Field(tr.t("doc.customer"), d["customer"]),
        Field(tr.t("doc.phone"), d["phone"]),
        Field(tr.t("doc.device"), d["device"]),
        Field(tr.t("doc.serial"), d["serial"]),
        Field(tr.t("doc.fault"), d["fault_confirmed"]),
        Field(tr.t("doc.work"), d["work"] or "-"),
    ]
    for part, quantity, returned in d["parts"]:
        blocks.append(Field(f"{tr.t('doc.part')} x{quantity}", f"{part} · {tr.t('doc.old_part_returned')}: {returned}"))
    blocks.append(Rule())
    for item, amount in [*d["charges"], (tr.t("doc.total"), d["total"]), *d["payments"],
                         (tr.t("doc.due"), d["due"])]:
        blocks.append(Field(item, amount))
    if d["waiver"]:
        blocks.append(Text(tr.t("doc.waived", reason=d["waiver"])))
    blocks += [
        Rule(),
        Field(tr.t("doc.repair_warranty"), d["repair_warranty"]),
        Text(d["warranty_scope"]),
        Field(tr.t("doc.sticker"), d["sticker"]),
        Field(tr.t("doc.card"), d["card"]),
        Field(tr.t("doc.verified_by"), d["verified_by"] or "-"),
        Signature(tr.t("doc.sign_customer")),
        *_contact(tr, station),
    ]
    return Document("repair_order", tuple(blocks))
