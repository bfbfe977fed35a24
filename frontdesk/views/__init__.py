"""Front desk pages: thin views over the selectors (reads) and services (writes).

Every view runs in the company's time zone, so the times people type and read
are local while the database keeps UTC.
"""

from .documents import (
    DOCUMENT_SORTS,
    attachment_download,
    attachment_void,
    document_attach,
    document_close,
    document_correct,
    document_detail,
    document_list,
    document_record,
    document_register,
    document_route,
    document_void,
    step_sign,
)
from .home import (
    home,
    my_items,
)
from .messages import (
    MESSAGE_SORTS,
    message_correct,
    message_detail,
    message_handle,
    message_list,
    message_take,
    message_void,
)
from .visits import (
    VISIT_SORTS,
    in_building,
    in_building_live,
    visit_arrive,
    visit_check_out,
    visit_correct,
    visit_detail,
    visit_list,
    visit_preregister,
    visit_register,
    visit_reveal_id,
    visit_void,
    visitor_lookup,
)

__all__ = [
    "DOCUMENT_SORTS",
    "MESSAGE_SORTS",
    "VISIT_SORTS",
    "attachment_download",
    "attachment_void",
    "document_attach",
    "document_close",
    "document_correct",
    "document_detail",
    "document_list",
    "document_record",
    "document_register",
    "document_route",
    "document_void",
    "home",
    "in_building",
    "in_building_live",
    "message_correct",
    "message_detail",
    "message_handle",
    "message_list",
    "message_take",
    "message_void",
    "my_items",
    "step_sign",
    "visit_arrive",
    "visit_check_out",
    "visit_correct",
    "visit_detail",
    "visit_list",
    "visit_preregister",
    "visit_register",
    "visit_reveal_id",
    "visit_void",
    "visitor_lookup",
]
