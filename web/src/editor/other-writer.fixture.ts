// Test data only (the unit test and the browser spec of the extension rule); no app code imports it.

/**
 * Another writer's save, as its JSON text. Unknown fields at the six places (document, node,
 * position, style, cross-link, summary), one named `__proto__`, some named like mind-elixir's own
 * (a summary's `style`, a node's `image`) or `parent` (which mind-elixir's getData() drops when it
 * is not a string), and known fields in forms this editor would not write
 * itself (`bold: false`, `folded: false`, a folded leaf, empty `note`, `tags` and `style`).
 */
export const OTHER_WRITER_JSON = `{
  "version": 1,
  "theme": { "name": "dusk", "fonts": ["Inter", { "fallback": null }] },
  "root": {
    "id": "r",
    "text": "Plans",
    "layout": "radial",
    "children": [
      {
        "id": "a",
        "text": "Travel",
        "children": [],
        "__proto__": { "polluted": true },
        "priority": 2,
        "parent": { "id": "r", "family": { "parent": 7 } },
        "image": { "url": "https://example.com/a.png", "width": 10, "height": 10 },
        "checklist": [{ "text": "passport", "done": true }],
        "position": { "x": 10, "y": 20, "anchor": "left" },
        "style": { "color": "#112233", "bold": false, "font": { "family": "serif", "size": 14, "parent": { "family": "sans" } } },
        "note": "",
        "tags": [],
        "folded": false
      },
      {
        "id": "b",
        "text": "Budget",
        "children": [{ "id": "b1", "text": "Flights", "children": [], "estimate": { "currency": "EUR", "amount": 1200.5 } }],
        "folded": true,
        "icons": ["💶"],
        "style": {}
      },
      { "id": "c", "text": "Someday", "children": [], "folded": true, "link": "https://example.com/c" }
    ]
  },
  "links": [{ "id": "l", "from": "a", "to": "b1", "label": "costs", "bidirectional": false, "curve": { "bend": 0.3 } }],
  "summaries": [{ "id": "s", "parent": "r", "start": 0, "end": 1, "label": "all", "colour": "#336699", "style": { "stroke": "#ff0000" } }]
}`;
