"""The window on a team's server that becomes unreachable (the network fails, the server
stops): an edit is refused with a plain message and never shown or reported saved; reads
say the server cannot be reached instead of failing; once the server is back the next edit
is saved (the window reconnects by itself)."""

from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from server_store import emptied, server_url
from socket_relay import Relay
from sqlalchemy.engine import make_url

from annotate.commands import CreateSpan
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from desktop.main_window import MainWindow
from desktop.service import Service

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(server_url() is None, reason="needs $COUNTERCLAIM_TEST_DB")]


def test_edits_while_the_server_is_unreachable_are_refused_visibly(qtbot, tmp_path: Path):
    url = make_url(emptied(server_url() or ""))
    with closing(Store.open(url.render_as_string(hide_password=False))) as seeded:
        doc = Document("The army denied the ambush near Kidal.", "report")
        seeded.import_documents([AnnotatedDocument(doc)])
    relay = Relay(tmp_path, url.query.get("host", "/var/run/postgresql"))
    relay.start()
    through = url.update_query_dict({"host": str(tmp_path)}).render_as_string(
        hide_password=False)
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    service = Service(Store.open(through), "amina")
    window = MainWindow(service, settings)
    qtbot.addWidget(window)
    failed: list[str] = []
    service.hub.failed.connect(lambda message, _: failed.append(message))
    try:
        service.open_document(doc.uid)
        relay.cut()
        assert service.apply(CreateSpan(Span(doc.uid, 4, 8, "ORG", "amina", "lost"))) is None
        assert failed and re.match(r"the store could not be (read|written).*(not|nothing was) "
                                   r"saved", failed[-1])
        assert not service.pending and service.spans(doc.uid) == []
        assert window.error_box is not None and window.error_box.isVisible()  # said aloud
        assert "could not be" in window.error_box.text()

        relay.start()
        assert service.apply(CreateSpan(Span(doc.uid, 4, 8, "ORG", "amina", "kept")))
        assert [s.id for s in service.spans(doc.uid)] == ["kept"]
    finally:
        relay.cut()
        service.store.close()
    with closing(Store.open(url.render_as_string(hide_password=False))) as after:
        assert [s.id for s in after.spans(doc.uid)] == ["kept"]
