"""Issue 19 §2: the cells of a decision table checked while the designer edits them."""
from __future__ import annotations

from app.domain.errors import ValidationFailed
from app.engine.dmn_cells import table_errors
from app.engine.xml import XmlRejected


def check_cells(content: str) -> dict[str, str]:
    """{cell id: message} for each input/output entry or input expression of the DMN `content`
    that deploy would refuse or that holds a literal of the wrong type for its column."""
    try:
        return table_errors(content)
    except XmlRejected as err:
        raise ValidationFailed("决策表 XML 无法解析", fields={"content": [str(err)]}) from None
