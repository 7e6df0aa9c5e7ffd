/**
 * Where a screen's records could not be read (or the screen failed to draw): said on the screen,
 * with what to do, instead of "Loading" for good or an empty page.
 */
import { Component, type ComponentChildren } from 'preact';
import { ReadFailed } from '../problems.ts';

interface Props {
  /** The address shown: going to another screen tries again. */
  path: string;
  children: ComponentChildren;
}

export class ReadProblem extends Component<Props, { error?: Error }> {
  static override getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidUpdate(previous: Props) {
    if (previous.path !== this.props.path && this.state.error) this.setState({ error: undefined });
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const unread = error instanceof ReadFailed;
    const cause = (unread ? error.cause : error) as Error;
    return (
      <main id="main" class="screen narrow">
        <h1>{unread ? 'Waymark could not read this from the tablet' : 'Waymark could not show this screen'}</h1>
        <p class="problem" role="alert">
          {unread ? 'The tablet’s storage did not answer when Waymark read this screen’s records.' : 'Something went wrong in Waymark.'}{' '}
          Reload Waymark to try again: reloading loses nothing that was saved. If it keeps happening, tell the school’s Waymark
          administrator what this says.
        </p>
        <button type="button" class="primary" onClick={() => window.location.reload()}>
          Reload Waymark
        </button>
        <p class="subtle">
          What the tablet said: {cause.name}: {cause.message}
        </p>
      </main>
    );
  }
}
