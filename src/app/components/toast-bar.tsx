import { useEffect, useRef, useState } from 'preact/hooks';
import { hideToast, holdToast, resumeToast, runFromToast, useToast } from '../toast.ts';

/** The toast at the foot of the screen. It stays while focus or a finger is on it. */
export function ToastBar() {
  const toast = useToast();
  const [word, setWord] = useState('');
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    setOpen(false);
    setWord('');
    if (toast?.focus) box.current?.querySelector('button')?.focus();
  }, [toast]);

  return (
    <div class="toast-region" role="status" aria-live="polite">
      {toast && (
        <div
          class="toast"
          ref={box}
          onFocusCapture={holdToast}
          onBlurCapture={resumeToast}
          onPointerEnter={holdToast}
          onPointerLeave={resumeToast}
        >
          <span>{toast.message}</span>
          {toast.word && !open && (
            <button type="button" onClick={() => setOpen(true)}>
              {toast.word.label}
            </button>
          )}
          {toast.word && open && (
            <form
              class="toast-word"
              onSubmit={(e) => {
                e.preventDefault();
                const save = toast.word?.save;
                if (save) void runFromToast(() => save(word.trim()));
              }}
            >
              <label>
                <span class="visually-hidden">A word about it</span>
                <input value={word} maxLength={200} onInput={(e) => setWord(e.currentTarget.value)} ref={(el) => el?.focus()} />
              </label>
              <button type="submit">Save word</button>
            </form>
          )}
          {toast.action && (
            <button
              type="button"
              onClick={() => {
                const run = toast.action?.run;
                if (run) void runFromToast(run);
              }}
            >
              {toast.action.label}
            </button>
          )}
          <button type="button" class="close" aria-label="Dismiss" onClick={hideToast}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}
