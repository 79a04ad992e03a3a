// Which sockets' holders changed, remembered between two looks: a list of sockets built earlier
// (an answer of the exporter's /connections) stays right while none of the sockets it lists is
// among them. Beyond MAX_CHANGED it only says "any may have".

/** Changed sockets remembered between two take() calls before it just says "any". */
const MAX_CHANGED = 65536;

export class HolderChanges {
  private changed: Set<number> | null = new Set();

  note(inode: number): void {
    if (this.changed === null) return;
    if (this.changed.size >= MAX_CHANGED) this.changed = null;
    else this.changed.add(inode);
  }

  /** A process held `before` and now holds `after`: the sockets in one and not the other changed. */
  diff(before: readonly number[] | undefined, after: readonly number[] | null): void {
    const old = new Set(before);
    for (const ino of after ?? []) if (!old.delete(ino)) this.note(ino);
    for (const ino of old) this.note(ino);
  }

  /** The sockets whose holders changed since the last call (null: too many to tell, any may have). */
  take(): ReadonlySet<number> | null {
    const c = this.changed;
    this.changed = new Set();
    return c;
  }
}
