// The footer's status line: the result of the last action, shown for a few refreshes (or until
// the next one replaces it), so a message is read but does not stay forever.

export interface Status {
  text: string;
  error: boolean;
}

/** Status messages stay for this many refreshes. */
export const STATUS_REFRESHES = 5;

export interface StatusSlot {
  status: Status | null;
  left: number;
}

export const NO_STATUS: StatusSlot = { status: null, left: 0 };

export function showStatus(s: Status): StatusSlot {
  return { status: s, left: STATUS_REFRESHES };
}

/** A refresh arrived: one less to go. */
export function ageStatus(slot: StatusSlot): StatusSlot {
  if (!slot.status) return slot;
  return slot.left <= 0 ? NO_STATUS : { status: slot.status, left: slot.left - 1 };
}
