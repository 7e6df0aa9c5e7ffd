import { useTitle } from '../hooks.ts';

/** A record that is not on this tablet (a wrong link, or removed). */
export function Missing({ what, back, backLabel }: { what: string; back: string; backLabel: string }) {
  useTitle(`${what} not found`);
  return (
    <main id="main" class="screen">
      <h1>{what} not found</h1>
      <p>
        This {what.toLowerCase()} is not on this tablet. <a href={back}>{backLabel}</a>.
      </p>
    </main>
  );
}

/** While a record loads: an empty screen that says it is busy. */
export const Loading = () => <main id="main" class="screen" aria-busy="true" />;
