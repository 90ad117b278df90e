/**
 * Matches a case's own post, whose text reads "<badge> <category> ESC-1042 (IE) — <state>". A surge
 * notice in the same channel lists waiting ids too ("ESC-1042, ESC-1043"), so a bare id would count it.
 */
export const isCasePost =
  (id: string) =>
  (message: { text: string }): boolean =>
    message.text.includes(`${id} (`);
