import { Dialog } from '../../ui/dialog';

export type ConflictChoice = 'theirs' | 'mine' | 'copy';

/** Another device saved first: nothing is overwritten until the person picks one. */
export function ConflictDialog({ onChoose }: { onChoose: (choice: ConflictChoice) => void }) {
  return (
    <Dialog title="This map changed on another device" onClose={() => undefined}>
      <p>Someone saved a newer version while you were editing. Your edits are kept here until you choose.</p>
      <div class="choices">
        <button type="button" onClick={() => onChoose('theirs')}>Load theirs <small>(drop my edits)</small></button>
        <button type="button" onClick={() => onChoose('mine')}>Keep mine <small>(theirs stays in history)</small></button>
        <button type="button" onClick={() => onChoose('copy')}>Save mine as a copy <small>(and load theirs here)</small></button>
      </div>
    </Dialog>
  );
}
