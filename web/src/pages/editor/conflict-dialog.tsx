import { Dialog } from '../../ui/dialog';

export type ConflictChoice = 'theirs' | 'mine' | 'copy';

/**
 * Another device saved first: nothing is overwritten until the person picks one. The choice that
 * loses nothing (a copy of mine, theirs loaded here) comes first and has the focus, so a reflex
 * Enter keeps both; the one that drops edits comes last and says so.
 */
export function ConflictDialog({ onChoose }: { onChoose: (choice: ConflictChoice) => void }) {
  return (
    <Dialog title="This map changed on another device" onClose={() => undefined}>
      <p>Someone saved a newer version while you were editing. Your edits are kept here until you choose.</p>
      <div class="choices">
        <button type="button" class="primary" autoFocus onClick={() => onChoose('copy')}>Save mine as a copy <small>(and load theirs here; nothing is lost)</small></button>
        <button type="button" onClick={() => onChoose('mine')}>Keep mine <small>(theirs stays in history)</small></button>
        <button type="button" class="danger" onClick={() => onChoose('theirs')}>Load theirs <small>(drop my edits)</small></button>
      </div>
    </Dialog>
  );
}
