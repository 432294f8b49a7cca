import { problems } from '@platform/service-kit';

/**
 * Opaque page cursor: the id of the last product returned (the list is ordered by id). Versioned so the
 * encoding can change without misreading cursors that clients still hold.
 */
export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after: lastId })).toString(
    'base64url',
  );
}

export function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as { v?: unknown; after?: unknown };
    if (
      parsed.v === 1 &&
      typeof parsed.after === 'string' &&
      parsed.after.length > 0
    )
      return parsed.after;
  } catch {
    // Falls through to the 422 below: a cursor we did not issue.
  }
  // a string the contract allows, refused by a rule it cannot express (only cursors this service issued)
  throw problems.unprocessable('cursor is not one this service issued', [
    {
      parameter: 'cursor',
      message: 'invalid cursor; use nextCursor from a previous page',
    },
  ]);
}
