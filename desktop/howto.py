"""Help → How to (F1): the few moves of the work, from selecting text to exporting gold.

Keys are never written into the text: a ``{name}`` is replaced by the keys of the window's
action of that name (:func:`desktop.shortcuts.shortcut_table`), so the how-to says what the
window does even after a key changes."""

from __future__ import annotations

import html
import re

from PySide6.QtWidgets import QWidget

from desktop.shortcuts import shortcut_table

STEPS: tuple[tuple[str, str], ...] = (
    ("Select",
     "Drag over words in the text. The selection snaps to whole words and leaves out the "
     "punctuation around them; hold Alt while dragging to keep it exact. The keys of the next "
     "steps act while the text has the focus (a coloured frame around it)."),
    ("Label",
     "Press a label's key (the Labels panel shows each label's letter and digit) or click the "
     "label there. To relabel, select the span (click it, or {Next span} / {Previous span}) "
     "and press another label's key. {Edit the span's fields} goes to the Span panel: its "
     "attributes and note, walked with Tab; {Back to the text} comes back. Move the selected "
     "span's end with {Move span end a word left} / {Move span end a word right}, its start "
     "with {Move span start a word left} / {Move span start a word right} (with Shift: by a "
     "character). "
     "{Undo} and {Redo} take back any step and say what they did."),
    ("Link",
     "Select the span that makes the link (a claim, say), press {Link from span…}, then click "
     "the span it points to, or go to it with {Next span}; pick the relation type if asked. "
     "Links are drawn to the right of the text; in the Span panel's Links list, double-click "
     "a link to go to its other end."),
    ("Suggest",
     "The Suggestions menu fills a layer of proposals nobody owns: a model trained on your "
     "gold, the other occurrences of a span, the actors' names (the command line adds pattern "
     "files). They are drawn as outlines (the legend under the text says so). {Next "
     "suggestion} walks them, {Accept suggestion} puts one into your layer, a label's key "
     "accepts it under that label, {Reject suggestion} hides it for you; {Undo} takes either "
     "back. A claim's figure read from its text is proposed in the Span panel: {Use the "
     "proposed figure} (or its button) writes it into the figure fields."),
    ("Assign",
     "A lead gives documents to annotators with Team → Assign documents…: select documents, "
     "check team members, then Assign, or Balance N per document (previewed before it is "
     "applied); blind mode is switched there too. On a file you act as the lead; on a "
     "team's server only a lead may. Each annotator ticks My queue in the Documents panel "
     "to see their documents and how far they got."),
    ("Review",
     "Import a second annotator's work (File → Import, {Import…}). View → Layers shows "
     "several annotators' spans at once, each in its own style (the legend under the text "
     "names them). Review → Show review panel: the Agreement tab scores each pair of "
     "annotators over the corpus."),
    ("Adjudicate",
     "In the review panel's Adjudication tab, each row is one place where annotators marked "
     "the text, with their versions side by side. Accept one annotator's version (the buttons "
     "under the table, or Ctrl+Shift and the column's number), {Edit and accept the review "
     "item…}, or {Reject the review item}; {Next open review item} moves on, and {Accept "
     "agreed review items in document} settles everything the annotators agree on. What is "
     "accepted goes into the gold layer. {Mark done} when a document is finished; "
     "{Next unfinished document} goes on."),
    ("Export",
     "File → Export ({Export…}): choose the output and its format, the annotators, and "
     "\u201cInclude the adjudicated gold layer\u201d for the gold. The summary names what the "
     "format could not carry. The dialog keeps your choices for the next time."),
)
_ACTION = re.compile(r"\{([^{}]+)\}")


def keys_by_action(window: QWidget) -> dict[str, str]:
    """The first keys of every action of ``window`` that has some, by the action's name."""
    return {row.action: row.keys.split(" or ")[0] for row in shortcut_table(window)}


def unknown_actions(window: QWidget) -> list[str]:
    """Names in :data:`STEPS` that no action of ``window`` has (none, when the text is right)."""
    keys = keys_by_action(window)
    return [name for _title, text in STEPS for name in _ACTION.findall(text) if name not in keys]


def howto_html(window: QWidget) -> str:
    """The how-to as HTML, each ``{name}`` replaced by that action's keys."""
    keys = keys_by_action(window)

    def key(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"<b>{html.escape(keys.get(name, name))}</b>"

    steps = "".join(f"<li><p><b>{html.escape(title)}.</b> "
                    f"{_ACTION.sub(key, html.escape(text, quote=False))}</p></li>"
                    for title, text in STEPS)
    return f"<ol>{steps}</ol>"
