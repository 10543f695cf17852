"""The links between store records and ERP records (connectors.models.ExternalLink), one table
for every ERP: written by the flows into the ERP, read by the flows back into the store."""

from connectors.models import ExternalLink, LinkEntity

GUEST_PREFIX = "guest:"  # a guest checkout's customer: linked, but no store customer to write


def customer_link(connection, source_id: str) -> ExternalLink | None:
    return ExternalLink.objects.filter(
        connection=connection, entity=LinkEntity.CUSTOMER, source_id=source_id
    ).first()


def customer_link_save(connection, source_id: str, **fields) -> ExternalLink:
    link, _ = ExternalLink.objects.update_or_create(
        connection=connection, entity=LinkEntity.CUSTOMER, source_id=source_id, defaults=fields
    )
    return link


def store_links(connection, entity: str, erp_ids) -> dict[str, ExternalLink]:
    """{erp id, lower case: link} of the ERP records that stand for a record of the store."""
    links = ExternalLink.objects.filter(
        connection=connection, entity=entity, erp_id__in=list(erp_ids)
    ).exclude(source_id__startswith=GUEST_PREFIX)
    return {link.erp_id.lower(): link for link in links}
