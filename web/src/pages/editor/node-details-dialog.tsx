import { useState } from 'preact/hooks';
import type { SelectedNode } from '../../editor/map-editor';
import { isSafeLink, type NodeDetails, type NodeStyle } from '../../session/document';
import { Dialog } from '../../ui/dialog';

/** A few symbols people use to mark nodes; any other emoji can be typed in the field. */
const ICON_CHOICES = ['⭐', '✅', '❗', '❓', '💡', '⚠️', '📌', '🔥'];
const DEFAULT_TEXT = '#1f2328';
const DEFAULT_FILL = '#ffffff';

/** Everything a node holds beside its text, edited in one form; Save applies it all at once. */
export function NodeDetailsDialog({ node, onSave, onClose }: { node: SelectedNode; onSave: (text: string, details: NodeDetails) => void; onClose: () => void }) {
  const d = node.details;
  const [text, setText] = useState(node.text);
  const [note, setNote] = useState(d.note ?? '');
  const [link, setLink] = useState(d.link ?? '');
  const [color, setColor] = useState(d.style?.color ?? '');
  const [background, setBackground] = useState(d.style?.background ?? '');
  const [bold, setBold] = useState(d.style?.bold ?? false);
  const [italic, setItalic] = useState(d.style?.italic ?? false);
  const [tags, setTags] = useState((d.tags ?? []).join(', '));
  const [icons, setIcons] = useState((d.icons ?? []).join(' '));
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (event: Event) => {
    event.preventDefault();
    const url = link.trim();
    if (url && !isSafeLink(url)) {
      setProblem('A link must start with https://, http:// or mailto:.');
      return;
    }
    const style: NodeStyle = {};
    if (color) style.color = color;
    if (background) style.background = background;
    if (bold) style.bold = true;
    if (italic) style.italic = true;
    const tagList = tags.split(',').map((t) => t.trim()).filter(Boolean);
    const iconList = icons.split(/\s+/).filter(Boolean);
    const details: NodeDetails = {
      ...(note.trim() ? { note } : {}),
      ...(url ? { link: url } : {}),
      ...(Object.keys(style).length ? { style } : {}),
      ...(tagList.length ? { tags: tagList } : {}),
      ...(iconList.length ? { icons: iconList } : {}),
    };
    onSave(text.trim() || node.text, details);
  };

  const toggleIcon = (icon: string) => {
    const list = icons.split(/\s+/).filter(Boolean);
    setIcons((list.includes(icon) ? list.filter((i) => i !== icon) : [...list, icon]).join(' '));
  };

  return (
    <Dialog title="Node details" onClose={onClose}>
      <form class="node-details" onSubmit={submit}>
        <label>Text <input name="node-text" value={text} onInput={(e) => setText(e.currentTarget.value)} /></label>
        <label>Note <textarea name="note" rows={4} value={note} onInput={(e) => setNote(e.currentTarget.value)} /></label>
        <label>Link <input name="link" type="url" inputMode="url" placeholder="https://…" value={link} onInput={(e) => setLink(e.currentTarget.value)} /></label>
        <fieldset>
          <legend>Style</legend>
          <label>Text colour <input type="color" name="text-colour" value={color || DEFAULT_TEXT} onInput={(e) => setColor(e.currentTarget.value)} /></label>
          <label>Fill colour <input type="color" name="fill-colour" value={background || DEFAULT_FILL} onInput={(e) => setBackground(e.currentTarget.value)} /></label>
          <button type="button" onClick={() => { setColor(''); setBackground(''); }}>Default colours</button>
          <label class="check"><input type="checkbox" checked={bold} onChange={(e) => setBold(e.currentTarget.checked)} /> Bold</label>
          <label class="check"><input type="checkbox" checked={italic} onChange={(e) => setItalic(e.currentTarget.checked)} /> Italic</label>
        </fieldset>
        <label>Tags <input name="tags" placeholder="comma, separated" value={tags} onInput={(e) => setTags(e.currentTarget.value)} /></label>
        <label>Icons <input name="icons" value={icons} onInput={(e) => setIcons(e.currentTarget.value)} /></label>
        <div class="icon-choices" role="group" aria-label="Common icons">
          {ICON_CHOICES.map((icon) => (
            <button type="button" key={icon} aria-pressed={icons.split(/\s+/).includes(icon)} onClick={() => toggleIcon(icon)}>{icon}</button>
          ))}
        </div>
        {problem ? <p role="alert" class="error">{problem}</p> : null}
        <div class="actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" class="primary">Save</button>
        </div>
      </form>
    </Dialog>
  );
}
