/**
 * A component that redraws only when one of its props is a different value: for the rows of a long
 * list, so that a change to one row (a check-in tap on Today, among 200 due) does not redraw them
 * all. Its props must then be stable: records from the data layer, and callbacks that do not
 * change from one render to the next. (Preact's own `memo` lives in preact/compat, which would
 * bring the whole React layer into the first download.)
 */
import { Component, type ComponentChildren, type FunctionComponent } from 'preact';

export function pure<P extends object>(render: FunctionComponent<P>): FunctionComponent<P> {
  class Pure extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      const now = this.props as Record<string, unknown>;
      const then = next as Record<string, unknown>;
      for (const key in then) if (now[key] !== then[key]) return true;
      for (const key in now) if (!(key in then)) return true;
      return false;
    }
    override render(props: P): ComponentChildren {
      return render(props);
    }
  }
  (Pure as unknown as { displayName: string }).displayName = render.name;
  return Pure as unknown as FunctionComponent<P>;
}
