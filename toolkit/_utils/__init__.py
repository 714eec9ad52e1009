"""Cross-cutting helpers shared by several toolkit packages (not part of the lesson API).

One home for logic that more than one package needs, so no package imports another's private
names:

- `display`: am I in a Jupyter kernel, and show one feedback line (Markdown there, print here);
- `validation`: the "must be one of …; got …" check for choice parameters;
- `targets`: validation of binary and survival targets, and the fast Mann-Whitney AUC;
- `widgets`: the ipywidgets wiring that every no-code explorer app uses;
- `files`: ``atomic_write``, the one way toolkit writers avoid half-written files.

The modules are imported by full path (``from toolkit._utils.targets import check_binary``);
this package imports nothing heavy.
"""
